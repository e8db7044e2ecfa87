import RESP

/// The order and the bookkeeping of a run, with no I/O: which commands may be sent (the window,
/// barriers after `connect` and after a redirect or retry, `-i`'s pause), which reply is
/// printed next (input order, or as they come for `--pipe`), when input stops (`quit`, a
/// streaming command, `-e`), when the run is over, and its exit status and counts. The engine
/// feeds it what the source and the transport say and asks it what to do; tests do the same.
package struct Pipeline {
    /// How a run behaves.
    package struct Settings: Sendable {
        /// What may be in flight.
        package var window: WindowPolicy
        /// Replies are delivered in input order (false: as they come, for counting).
        package var ordered = true
        /// `-e`: an error reply ends the run with status 1.
        package var exitOnError = false
        /// `-i`: seconds between a reply and the next command.
        package var interval = 0.0
        /// Any error reply makes the exit status 1 (`--pipe`, as redis-cli).
        package var errorsFail = false
        /// `--pipe-timeout`: once input has ended, the run gives up after this long without a
        /// reply (nil: never).
        package var replyTimeoutAfterInput: Double?
        /// What SUBSCRIBE does to the input: streams until Ctrl-C, or keeps it going (the shell),
        /// and at its end waits for messages (the piped session).
        package var subscriptions = SubscriptionPolicy.stream

        /// Settings with `window` and the defaults.
        package init(window: WindowPolicy) {
            self.window = window
        }
    }

    /// An item of the run in input order.
    package enum Item: Sendable {
        case command(CommandTraits?, args: [[UInt8]])
        case message([UInt8])
        case connect(host: String, port: Int)
    }

    /// What became of a command.
    package enum Outcome {
        /// Its reply, held until everything before it has been delivered.
        case value(RESPValue, origin: ReplyOrigin?)
        /// Its reply was streamed to the sink as it arrived.
        case streamed(isError: Bool)
        /// No reply (`origin`: where it was last sent, when known).
        case failed(CommandFailure, origin: ReplyOrigin?)
        /// The server closed the connection, which is the command's success (SHUTDOWN): nothing
        /// to print.
        case closed
    }

    /// One entry, as delivered.
    package struct Entry {
        /// Its id.
        package let id: EntryID
        /// What it is.
        package let item: Item
        /// When it was sent (monotonic seconds).
        package let sentAt: Double
        /// What became of it (nil while it waits).
        package var outcome: Outcome?
    }

    /// Why a run stopped early.
    package enum Stop: Sendable, Equatable {
        /// `-e` and an error reply (or a failed command).
        case errorReply
        /// Ctrl-C.
        case interrupted
        /// The transport cannot go on.
        case fatal
        /// `--pipe-timeout`: no reply for that long after the end of input.
        case noReplies(seconds: Double)
    }

    package let settings: Settings
    private var entries: [Entry] = []
    private var head = 0
    /// The id of `entries[0]`.
    private var base: EntryID = 0
    private var nextID: EntryID = 0
    /// Commands (ordered) or replies (unordered) owed.
    package private(set) var outstanding = 0
    /// Ordered runs: commands without an outcome yet (`outstanding` counts until delivery).
    private var unsettled = 0
    private var connectPending = false
    private var settling = false
    /// Input stopped because a streaming command was sent (it resumes if that is refused).
    private var stoppedForStream = false
    /// No more input is read (quit, a streaming command, -e).
    package private(set) var inputStopped = false
    /// The source has no more input.
    package private(set) var inputEnded = false
    /// A streaming command (SUBSCRIBE, MONITOR) has been answered: messages follow forever.
    package private(set) var streaming = false
    /// Messages of a streaming link that came before everything was delivered.
    private var pendingStream: [RESPValue] = []
    /// The newest command with an outcome (-1: none yet).
    private var lastSettled: EntryID = -1
    /// Pub/sub messages of a subscribed link that does not stream, each with the entry it
    /// follows (see `message`).
    private var heldMessages = FIFO<(value: RESPValue, after: EntryID)>()
    private var notBefore = 0.0
    private var lastReply: Double
    /// The connection is subscribed (the engine follows the transport when the end of input
    /// waits for messages: `SubscriptionPolicy.keepInputAndWait`).
    package var subscribed = false
    /// Why the run stopped early.
    package private(set) var stop: Stop?
    /// Something failed (an error with `-e`, a command with no reply, a lost connection).
    package private(set) var failed = false
    /// Replies counted (unordered runs count every reply; ordered runs every delivered one).
    package private(set) var replies = 0
    /// Error replies and failures among them.
    package private(set) var errors = 0

    /// A pipeline starting at `now`.
    package init(_ settings: Settings, now: Double) {
        self.settings = settings
        self.lastReply = now
        // Room for a window's worth of entries at once (a run of short batches, as --lru-test's,
        // would otherwise grow the list from nothing each time).
        if settings.ordered, case .commands(let n) = settings.window { entries.reserveCapacity(min(n, 1024)) }
    }

    // MARK: input

    /// True when the next input item may be taken now (the transport's `backlog` for `--pipe`).
    package func wantsInput(now: Double, backlog: Int) -> Bool {
        guard !inputStopped, stop == nil, !connectPending, now >= notBefore else { return false }
        if settling && outstanding > 0 { return false }
        switch settings.window {
        case .commands(let n): return outstanding < n
        case .unsentBytes(let n): return backlog < n
        }
    }

    /// Takes a command; returns its id, under which it is sent.
    package mutating func admit(_ traits: CommandTraits?, args: [[UInt8]], replies: Int = 1, now: Double) -> EntryID {
        settling = false
        let id = nextID
        nextID += 1
        if settings.ordered {
            entries.append(Entry(id: id, item: .command(traits, args: args), sentAt: now))
            outstanding += 1
            unsettled += 1
        } else {
            outstanding += replies
        }
        if traits?.streaming == true {
            inputStopped = true
            stoppedForStream = true
        }
        // SHUTDOWN: what follows must not be written to a connection about to close (it would
        // be lost); it waits, and then goes to a new one.
        if traits?.closesConnection == true { settling = true }
        return id
    }

    /// Takes text to print in order with the replies.
    package mutating func admitMessage(_ text: [UInt8], now: Double) {
        append(.message(text), outcome: .streamed(isError: false), now: now)
    }

    /// Takes `connect host port`: nothing more is read until it is done.
    package mutating func admitConnect(host: String, port: Int, now: Double) {
        append(.connect(host: host, port: port), outcome: .streamed(isError: false), now: now)
        connectPending = true
    }

    /// `quit`: read no further.
    package mutating func quit() {
        inputStopped = true
    }

    /// The source has nothing more.
    package mutating func endOfInput() {
        inputEnded = true
    }

    private mutating func append(_ item: Item, outcome: Outcome?, now: Double) {
        let id = nextID
        nextID += 1
        entries.append(Entry(id: id, item: item, sentAt: now, outcome: outcome))
    }

    // MARK: what the transport says

    /// True when a reply to `id` can go to the sink as it arrives: everything before it has
    /// been delivered (call `nextDelivery` first), or replies are not ordered.
    package func streams(_ id: EntryID) -> Bool {
        !settings.ordered || (head < entries.count && entries[head].id == id && entries[head].outcome == nil)
    }

    /// The head's reply was streamed to the sink and is complete.
    package mutating func streamed(_ id: EntryID, isError: Bool, now: Double) {
        settle(id, .streamed(isError: isError), isError: isError, now: now)
    }

    /// A whole reply to `id`.
    package mutating func replied(_ id: EntryID, _ value: RESPValue, origin: ReplyOrigin?, now: Double) {
        settle(id, .value(value, origin: origin), isError: value.isError, now: now)
    }

    /// `n` replies of an unordered run that were not errors (`--pipe -c`'s batches).
    package mutating func counted(_ n: Int, now: Double) {
        lastReply = now
        count(isError: false, replies: n)
    }

    /// `id`'s connection closed, as the command asks (SHUTDOWN): it succeeded.
    package mutating func closed(_ id: EntryID, now: Double) {
        settle(id, .closed, isError: false, now: now)
    }

    /// `id` will get no reply.
    package mutating func failedCommand(_ id: EntryID, _ failure: CommandFailure, now: Double) {
        if !settings.ordered && failure.failsRun { failed = true }
        settle(id, .failed(failure, origin: nil), isError: failure.failsRun, now: now)
    }

    /// What became of `id`: counted at once in an unordered run, else kept for its turn.
    private mutating func settle(_ id: EntryID, _ outcome: Outcome, isError: Bool, now: Double) {
        lastReply = now
        if !settings.ordered {
            count(isError: isError, replies: 1)
            return
        }
        guard let i = index(id), entries[i].outcome == nil else { return }
        entries[i].outcome = outcome
        unsettled -= 1
        lastSettled = max(lastSettled, id)
    }

    /// `count` commands of an unordered run were lost with their connection after being written:
    /// errors, not replies.
    package mutating func lost(_ count: Int) {
        outstanding -= count
        errors += count
        failed = true
    }

    /// `id` was redirected or is being retried: later commands wait until everything sent so
    /// far is settled, so commands for one slot run in input order.
    package mutating func rerouted(_ id: EntryID) {
        // Counting runs (`--pipe`) keep reading: their replies have no order to keep.
        if settings.ordered { settling = true }
    }

    /// The streaming link was lost: no more messages will come (the run fails).
    package mutating func streamEnded() {
        streaming = false
        failed = true
    }

    /// A message on a streaming link; returned when it can be printed now, else kept.
    package mutating func streamMessage(_ value: RESPValue) -> RESPValue? {
        if settings.ordered && head < entries.count {
            pendingStream.append(value)
            return nil
        }
        return value
    }

    /// A pub/sub message on a subscribed link that does not stream (the shell's subscribed mode,
    /// the piped session); returned when it can be printed now, else kept. It prints after every
    /// reply that arrived before it: at once on one connection (those replies are delivered in
    /// order by then), later in a cluster when one came from its node while an earlier command
    /// still waits for another node, so a node's confirmation never follows its own message.
    package mutating func message(_ value: RESPValue) -> RESPValue? {
        if !settings.ordered || (heldMessages.count == 0 && deliveredThrough > lastSettled) { return value }
        heldMessages.append((value, lastSettled))
        return nil
    }

    /// The id of the next entry to deliver (every one before it has been).
    private var deliveredThrough: EntryID { head < entries.count ? entries[head].id : nextID }

    /// Nothing can answer any more: every command still waiting fails with `failure`, and no
    /// more input is read.
    package mutating func abandonAll(_ failure: CommandFailure) {
        inputStopped = true
        if !settings.ordered {
            if outstanding > 0 {
                errors += 1
                failed = true
            }
            outstanding = 0
            return
        }
        for i in head..<entries.count where entries[i].outcome == nil {
            entries[i].outcome = .failed(failure, origin: nil)
        }
        unsettled = 0
    }

    /// The transport cannot go on.
    package mutating func fatal() {
        failed = true
        stop = .fatal
    }

    /// Ctrl-C.
    package mutating func interrupt() {
        stop = .interrupted
    }

    private mutating func count(isError: Bool, replies n: Int) {
        outstanding -= n
        replies += n
        if isError { errors += 1 }
    }

    /// The item `id` stands for, while it waits.
    package func item(_ id: EntryID) -> Item? {
        index(id).map { entries[$0].item }
    }

    private func index(_ id: EntryID) -> Int? {
        let i = id - base
        return i >= head && i < entries.count ? i : nil
    }

    // MARK: delivery

    /// The next entry to deliver, in input order, once it is complete; nil when the head still
    /// waits (or the run has stopped).
    package mutating func nextDelivery() -> Entry? {
        guard stop == nil, head < entries.count, entries[head].outcome != nil else { return nil }
        let entry = entries[head]
        head += 1
        if head >= 4096 && head * 2 >= entries.count {
            entries.removeFirst(head)
            base += head
            head = 0
        }
        return entry
    }

    /// Messages kept for after the last reply, once everything has been delivered, and
    /// pub/sub messages kept for after the replies that came before them, once those have been.
    package mutating func takeStreamMessages() -> [RESPValue] {
        var ready: [RESPValue] = []
        while let first = heldMessages.first, first.after < deliveredThrough {
            _ = heldMessages.pop()
            ready.append(first.value)
        }
        guard head == entries.count, !pendingStream.isEmpty else { return ready }
        defer { pendingStream.removeAll() }
        return ready + pendingStream
    }

    /// After the sink delivered `entry` (`isError`: it was an error reply or a failure).
    package mutating func delivered(_ entry: Entry, isError: Bool, now: Double) {
        switch entry.item {
        case .connect:
            connectPending = false
        case .message:
            break
        case .command(let traits, _):
            outstanding -= 1
            replies += 1
            if isError { errors += 1 }
            if case .failed(let failure, _) = entry.outcome, failure.failsRun { failed = true }
            if isError && settings.exitOnError {
                failed = true
                inputStopped = true
                stop = .errorReply
            }
            if traits?.streaming == true {
                if !isError {
                    streaming = true
                } else if stoppedForStream && stop == nil {
                    // SUBSCRIBE/MONITOR refused: nothing streams, the script goes on.
                    inputStopped = false
                    stoppedForStream = false
                }
            }
            if settings.interval > 0 { notBefore = now + settings.interval }
        }
    }

    // MARK: time and the end

    /// The next time the pipeline itself must act (`-i`'s pause, `--pipe-timeout`).
    package func nextDeadline(now: Double) -> Double? {
        var deadline: Double?
        if notBefore > now { deadline = notBefore }
        if inputEnded, outstanding > 0, let timeout = settings.replyTimeoutAfterInput {
            deadline = min(deadline ?? .infinity, lastReply + timeout)
        }
        return deadline
    }

    /// Acts on the time: `--pipe-timeout` gives up.
    package mutating func tick(now: Double) {
        guard stop == nil, inputEnded, outstanding > 0, let timeout = settings.replyTimeoutAfterInput,
            now - lastReply >= timeout
        else { return }
        errors += 1
        failed = true
        stop = .noReplies(seconds: timeout)
    }

    /// True once nothing more can happen: stopped, or input over with everything answered and
    /// delivered (and `-i`'s last pause served).
    package func isFinished(now: Double) -> Bool {
        if stop != nil { return true }
        guard inputStopped || inputEnded, outstanding == 0, head == entries.count, !streaming, !waitsForMessages
        else { return false }
        return now >= notBefore
    }

    /// Input has ended on a subscribed connection in the piped session: messages keep coming
    /// until Ctrl-C (`quit` ends it, as in redis-cli).
    package var waitsForMessages: Bool {
        settings.subscriptions.waitsAtEndOfInput && subscribed && !inputStopped && stop == nil
    }

    /// No more input will come and nothing is owed: what the servers send now (a push behind
    /// the last reply, as Valkey's DEBUG PROTOCOL push) is not for this run. redis-cli stops
    /// reading at its last reply too. (A subscribed piped session still wants its messages.)
    package var owesNothing: Bool {
        (inputStopped || inputEnded) && !stoppedForStream && !streaming && !waitsForMessages
            && (settings.ordered ? unsettled : outstanding) == 0
    }

    /// Everything delivered and nothing owed (input may still come).
    package var isSettled: Bool { outstanding == 0 && head == entries.count }

    /// The exit status: 130 after Ctrl-C, 1 after a failure, else 0.
    package var status: Int32 {
        if stop == .interrupted { return 130 }
        return failed || (settings.errorsFail && errors > 0) ? 1 : 0
    }
}
