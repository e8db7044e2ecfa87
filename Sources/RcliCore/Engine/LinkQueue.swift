/// What one connection owes, in order, and the facts about it the engine decides on: when it
/// last made progress (a hung node is given up after the reply timeout, but never while a
/// blocking command is at the head or the link streams messages), and which requests a lost
/// connection leaves to resend or to report. Pure: both transports keep one per connection.
package struct LinkQueue<Tag> {
    private var fifo = FIFO<InFlight<Tag>>()
    /// When the link last made progress (a reply came, or it went from idle to busy).
    package private(set) var lastProgress = 0.0
    /// SUBSCRIBE/MONITOR ran on it: what comes now are messages, not replies.
    package var streaming = false

    /// An empty queue.
    package init() {}

    /// Requests still owed.
    package var count: Int { fifo.count }

    /// True when nothing is owed.
    package var isEmpty: Bool { fifo.count == 0 }

    /// The request the next reply answers.
    package var head: InFlight<Tag>? { fifo.first }

    /// What the engine asks of the request the next reply answers, read in place.
    package var headFacts: (tag: Tag?, startsStream: Bool)? {
        var facts: (tag: Tag?, startsStream: Bool)?
        fifo.readFirst { facts = ($0.tag, $0.startsStream) }
        return facts
    }

    /// All that is owed is one SHUTDOWN: the connection closing now is its success.
    package var owesOnlyAShutdown: Bool { fifo.count == 1 && (fifo.first?.closesConnection ?? false) }

    /// Requests appended since the queue was made: while it stays the same and something is
    /// owed, the newest request is still the one appended then (see `owesOneMore`).
    package private(set) var appended = 0

    /// Records a request written (or queued) at `now`.
    package mutating func append(_ request: InFlight<Tag>, now: Double) {
        if fifo.count == 0 { lastProgress = now }
        fifo.append(request)
        appended += 1
    }

    /// The newest request owes one more reply (`--pipe -c`'s runs: one request for many).
    package mutating func owesOneMore() {
        fifo.updateLast { $0.replies += 1 }
    }

    /// One reply arrived: the request it completes (a chunk completes with its last reply),
    /// or nil when it belongs to a request still owing more, or when nothing was owed.
    package mutating func answered(now: Double) -> (tag: Tag?, complete: Bool)? {
        guard fifo.count > 0 else { return nil }
        lastProgress = now
        var answer: (tag: Tag?, complete: Bool)?
        fifo.updateFirst {
            $0.replies -= 1
            answer = ($0.tag, $0.replies == 0)
        }
        if answer?.complete == true { _ = fifo.pop() }
        return answer
    }

    /// When the link counts as hung with `replyTimeout`: nil while it owes nothing, streams, or
    /// has a blocking command at its head.
    package func deadline(replyTimeout: Double?) -> Double? {
        guard let replyTimeout, !streaming, let first = fifo.first, !first.blocking else { return nil }
        return lastProgress + replyTimeout
    }

    /// The connection is gone with `written` bytes written: requests that start at or past it
    /// never left (safe to send elsewhere); the others may or may not have run.
    package mutating func lose(written: Int) -> (unsent: [InFlight<Tag>], unknown: [InFlight<Tag>]) {
        streaming = false
        var unsent: [InFlight<Tag>] = []
        var unknown: [InFlight<Tag>] = []
        for request in fifo.drain() {
            if request.start >= written { unsent.append(request) } else { unknown.append(request) }
        }
        return (unsent, unknown)
    }
}

extension LinkQueue: Sendable where Tag: Sendable {}
