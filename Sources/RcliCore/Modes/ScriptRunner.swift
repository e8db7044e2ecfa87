import RESP
import RedisNet

/// Runs commands from a source on a session with a window of them in flight, and prints each
/// reply in input order as it is parsed (element by element). Before it ever waits for input
/// or for the server, everything ready has been written and flushed, so a program driving rcli
/// line by line sees each reply as soon as it exists.
package final class ScriptRunner {
    /// How a run behaves.
    package struct Options: Sendable {
        /// Output format for replies.
        package var format: OutputFormat
        /// Show RESP3 push messages that arrive between replies.
        package var showPushes: Bool
        /// Most commands in flight at once.
        package var window: Int
        /// `-e`: an error reply is written to stderr and ends the run with status 1.
        package var exitOnError: Bool
        /// `-i`: pause after each reply.
        package var interval: Double
        /// Print `(1.23s)` after slow replies in the tty format (redis-cli's shell does).
        package var showElapsed: Bool
        /// Becomes readable on Ctrl-C: the command in flight is abandoned (its connection
        /// dropped) and `run` returns `ScriptRunner.interruptedStatus`.
        package var interruptDescriptor: Int32?
        /// Under RESP3, SUBSCRIBE returns to the caller (the shell keeps its prompt and shows
        /// messages as they come) instead of streaming until Ctrl-C.
        package var subscribeKeepsPrompt = false
        /// Cluster mode: seconds a node may owe a (non-blocking) reply before its connection is
        /// given up as hung (`--reply-timeout`).
        package var replyTimeout = 30.0
        /// `-d` and `-D` for raw output.
        package var elementDelimiter: [UInt8]
        package var replyDelimiter: [UInt8]

        /// Options for `format` with redis-cli's defaults.
        package init(format: OutputFormat, showPushes: Bool, window: Int = 1000, exitOnError: Bool = false,
                     interval: Double = 0, showElapsed: Bool = false, elementDelimiter: [UInt8] = [10],
                     replyDelimiter: [UInt8] = [10]) {
            self.format = format
            self.showPushes = showPushes
            self.window = window
            self.exitOnError = exitOnError
            self.interval = interval
            self.showElapsed = showElapsed
            self.elementDelimiter = elementDelimiter
            self.replyDelimiter = replyDelimiter
        }
    }

    private enum Pending {
        case command(CommandTraits, sentAt: Double)
        case message([UInt8])
        case connect(host: String, port: Int)
    }

    private enum Current { case none, reply, push, discard, stderrError }

    /// True once an error reply was MOVED or ASK (the server is a cluster node; the shell says so).
    package private(set) var sawRedirect = false

    /// The status `run` returns after Ctrl-C.
    package static let interruptedStatus: Int32 = 130

    private let session: Session
    private let options: Options
    private let out: OutputSink
    private let err: OutputSink
    private let printer: ReplyPrinter

    private var pending: [Pending] = []
    private var head = 0
    private var inFlight = 0
    private var streaming = false
    private var stopInput = false
    private var barrier = false
    private var failed = false
    private var depth = 0
    private var current = Current.none
    private var currentIsError = false
    /// The formatter of the reply being printed (chosen once per reply, not per element).
    private var currentFormatter: ReplyFormatter?

    /// A runner printing to `out`/`err`.
    package init(session: Session, options: Options, out: OutputSink, err: OutputSink) {
        self.session = session
        self.options = options
        self.out = out
        self.err = err
        self.printer = ReplyPrinter(options: options, out: out)
    }

    /// Runs until the source is exhausted (and every reply printed), `quit`, an `-e` failure or
    /// a connection failure. Returns the exit status.
    package func run(_ source: CommandSource) -> Int32 {
        printer.startClock()
        do {
            while true {
                try pullInput(source)
                if let conn = session.connection, conn.hasPendingOutput { try conn.flush(wait: false) }
                try drainReplies()
                if failed { break }
                if head == pending.count && !streaming && (stopInput || source.isExhausted) { break }
                try waitForProgress(source)
            }
        } catch is RunInterrupted {
            endPartialReply()
            session.disconnect()
            return Self.interruptedStatus
        } catch let e as SessionError {
            session.disconnect()
            return fail(e.message)
        } catch let e as NetError {
            // The command in flight is reported, never replayed; the next one reconnects.
            let silent = session.connection?.bytesReceived == 0
            session.disconnect()
            if case .closed = e, silent {
                return fail(session.config.tls
                    ? "Error: Server closed the TLS connection without a reply (does it require a client certificate? --cert and --key)"
                    : "Error: Server closed the connection without a reply (a TLS port? try --tls)")
            }
            return fail("Error: " + e.description)
        } catch {
            return fail("Error: \(error)")
        }
        out.flush()
        err.flush()
        return failed ? 1 : 0
    }

    /// Ends the line of a reply cut off mid-way and flushes what was printed.
    private func endPartialReply() {
        if depth > 0 || current != .none { out.write([10]) }
        out.flush()
    }

    private func fail(_ message: String) -> Int32 {
        endPartialReply()
        err.write(message + "\n")
        err.flush()
        return 1
    }

    private func pullInput(_ source: CommandSource) throws {
        while !stopInput && !barrier && inFlight < options.window {
            guard let item = source.next() else { return }
            switch item {
            case .message(let text):
                pending.append(.message(text))
            case .quit:
                stopInput = true
            case .connect(let host, let port):
                pending.append(.connect(host: host, port: port))
                barrier = true
            case .command(let args):
                let conn = try session.connect()
                var traits = CommandTraits(args)
                conn.enqueue(args)
                if traits.subscribe && options.subscribeKeepsPrompt && session.usesRESP3 { traits.streaming = false }
                pending.append(.command(traits, sentAt: monotonicSeconds()))
                inFlight += 1
                if traits.streaming { stopInput = true }
            }
        }
    }

    private func drainReplies() throws {
        while true {
            if current == .none, head < pending.count {
                switch pending[head] {
                case .message(let text):
                    out.write(text)
                    advance()
                    continue
                case .connect(let host, let port):
                    reconnect(host: host, port: port)
                    advance()
                    barrier = false
                    continue
                case .command:
                    break
                }
            }
            guard head < pending.count || streaming || current != .none, let conn = session.connection else { return }
            guard let event = try conn.bufferedEvent() else { return }
            try handle(event)
            if failed { return }
        }
    }

    private var headTraits: CommandTraits? {
        guard head < pending.count, case .command(let traits, _) = pending[head] else { return nil }
        return traits
    }

    private func handle(_ event: RESPEvent) throws {
        if current == .none {
            let traits = headTraits
            let pushIsReply = (traits?.streaming ?? false) || (traits?.replyIsPush ?? false)
            if case .begin(.push, _) = event, !streaming, !pushIsReply {
                current = options.showPushes ? .push : .discard
            } else if traits != nil || streaming {
                if let traits { printer.announce(traits) }
                currentIsError = false
                currentFormatter = traits.map(printer.formatter(for:)) ?? printer.formatter
                if case .scalar(.error(let msg)) = event {
                    currentIsError = true
                    if msg.starts(with: Array("MOVED ".utf8)) || msg.starts(with: Array("ASK ".utf8)) { sawRedirect = true }
                    if options.exitOnError && traits != nil {
                        err.write(msg)
                        err.write([10])
                        current = .stderrError
                    } else {
                        current = .reply
                    }
                } else {
                    current = .reply
                }
            } else {
                throw SessionError(message: "Error: Protocol error, the server sent a reply nobody asked for")
            }
        }
        switch event {
        case .begin: depth += 1
        case .end: depth -= 1
        case .scalar: break
        }
        let done: Bool
        switch current {
        case .reply:
            let f = currentFormatter ?? printer.formatter
            done = f.feed(event, into: &out.buffer)
            if f.canFlush { out.flushIfLarge() }
        case .push:
            done = printer.pushFormatter.feed(event, into: &out.buffer)
        case .discard, .stderrError, .none:
            done = depth == 0
        }
        guard done else { return }
        let finished = current
        current = .none
        if finished == .push || finished == .discard { return }
        if finished == .stderrError {
            failed = true
            stopInput = true
        }
        if head < pending.count, case .command(let traits, let sentAt) = pending[head] {
            completeCommand(traits, sentAt: sentAt)
        }
    }

    private func completeCommand(_ traits: CommandTraits, sentAt: Double) {
        advance()
        inFlight -= 1
        if !currentIsError {
            if let db = traits.selectsDatabase { session.database = db }
            if let change = traits.sessionChange { session.apply(change) }
        }
        if traits.streaming { streaming = true }
        printer.finished(sentAt: sentAt)
    }

    private func advance() {
        head += 1
        if head >= 4096 && head * 2 >= pending.count {
            pending.removeFirst(head)
            head = 0
        }
    }

    private func reconnect(host: String, port: Int) {
        session.retarget(host: host, port: port)
        do {
            try session.connect()
        } catch {
            err.write(error.message + "\n")
        }
    }

    private func waitForProgress(_ source: CommandSource) throws {
        let wantInput = !stopInput && !barrier && inFlight < options.window
        // A source without a descriptor (a repeated command) has its next item ready now.
        if wantInput && source.inputDescriptor == nil && !source.isExhausted { return }
        if let conn = session.connection, conn.hasBufferedInput {
            // TLS has decrypted bytes waiting that poll would not report.
            try conn.receive()
            return
        }
        out.flush()
        err.flush()
        let inputFD = wantInput ? source.inputDescriptor : nil
        let conn = session.connection
        let streams: [(fd: Int32, interest: Interest)] = conn.map { [($0.descriptor, $0.hasPendingOutput ? [.read, .write] : .read)] } ?? []
        guard inputFD != nil || options.interruptDescriptor != nil || !streams.isEmpty else {
            if inputFD == nil && head == pending.count && !streaming { stopInput = true }
            return
        }
        let ready = try RunnerWait.poll(interrupt: options.interruptDescriptor, input: inputFD, streams: streams, deadline: nil)
        if ready.input { try source.readAvailable() }
        guard let conn, let r = ready.streams.first, !r.isEmpty else { return }
        if r.contains(.writable) { try conn.flush(wait: false) }
        if r.readOrHangup {
            do {
                try conn.receive()
            } catch {
                // An idle connection the server closed (timeout, restart): reconnect lazily
                // at the next command, since nothing was lost.
                guard case .closed = error, inFlight == 0, !streaming, current == .none else { throw error }
                session.disconnect()
            }
        }
    }
}
