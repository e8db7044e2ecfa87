import Cluster
import RESP

/// Prints replies as redis-cli does: the format's formatter (raw-output commands and pushes get
/// their own), `-e`'s error on stderr, the "Reading messages..." banner, the shell's `(1.23s)`,
/// and in cluster mode the slot annotations, redis-cli's redirect line and failures with the
/// command they belong to.
package final class PrintingSink: ReplySink {
    /// How replies look.
    package struct Style: Sendable {
        /// The format.
        package var format: OutputFormat
        /// Show RESP3 push messages that arrive between replies.
        package var showPushes: Bool
        /// `-e`: an error reply goes to stderr.
        package var exitOnError = false
        /// Print `(1.23s)` after slow replies in the tty format (redis-cli's shell does).
        package var showElapsed = false
        /// `-d` and `-D` for raw output.
        package var elementDelimiter: [UInt8] = [10]
        package var replyDelimiter: [UInt8] = [10]
        /// Show `[slot N → host:port master]` before each keyed reply.
        package var annotations = false
        /// Show redis-cli's `-> Redirected to slot [N] located at host:port`.
        package var redirects = false

        /// A style for `format`.
        package init(format: OutputFormat, showPushes: Bool) {
            self.format = format
            self.showPushes = showPushes
        }
    }

    private enum Current { case none, reply, stderrError }

    /// The style in use (the shell changes annotations between lines).
    package var style: Style {
        didSet { makeFormatters() }
    }
    /// True once an error reply was MOVED or ASK (the shell then says this is a cluster node).
    package private(set) var sawRedirect = false

    private let out: OutputSink
    private let err: OutputSink
    private var formatter: ReplyFormatter
    private var rawFormatter: ReplyFormatter
    private var pushFormatter: ReplyFormatter
    private var current = Current.none
    private var currentFormatter: ReplyFormatter
    private var depth = 0
    private var pushDepth = 0
    private var headStart = 0.0

    /// A sink printing to `out` and `err`.
    package init(style: Style, out: OutputSink, err: OutputSink) {
        self.style = style
        self.out = out
        self.err = err
        formatter = TTYFormatter()
        rawFormatter = formatter
        pushFormatter = formatter
        currentFormatter = formatter
        makeFormatters()
    }

    private func makeFormatters() {
        formatter = Formatters.make(
            style.format, elementDelimiter: style.elementDelimiter,
            replyDelimiter: style.replyDelimiter)
        // INFO, CLIENT LIST, MEMORY DOCTOR ...: the server's text as it is, with no delimiter after
        // it, in every format (as redis-cli prints them; --json shapes some, see replyShape).
        rawFormatter = RawFormatter(replyDelimiter: [], terminalSafe: style.format == .tty)
        pushFormatter = Formatters.make(style.format == .raw ? .tty : style.format)
        currentFormatter = formatter
    }

    package func beginRun(now: Double) {
        headStart = now
        current = .none
        depth = 0
        pushDepth = 0
    }

    private func formatter(for item: Pipeline.Item?) -> ReplyFormatter {
        guard case .command(let traits?, _) = item else { return formatter }
        if let shape = traits.replyShape, style.format == .json || style.format == .quotedJSON {
            return StructuredJSONFormatter(
                shape, json: formatter, fallback: traits.rawOutput ? rawFormatter : formatter)
        }
        return traits.rawOutput ? rawFormatter : formatter
    }

    package func replyBegins(for item: Pipeline.Item?) {
        currentFormatter = formatter(for: item)
    }

    package func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool {
        // An error reply is one event, the first of its reply.
        var isError = false
        if first {
            current = .reply
            if case .scalar(.error(let msg)) = event {
                isError = true
                noteRedirect(msg)
                if style.exitOnError {
                    err.write(msg)
                    err.write([10])
                    current = .stderrError
                }
            }
        }
        switch event {
        case .begin: depth += 1
        case .end: depth -= 1
        case .scalar: break
        }
        if current == .reply {
            _ = currentFormatter.feed(event, into: &out.buffer)
            if currentFormatter.canFlush { out.flushIfLarge() }
        }
        if last { current = .none }
        return isError
    }

    private func noteRedirect(_ msg: [UInt8]) {
        if msg.starts(with: Self.moved) || msg.starts(with: Self.ask) { sawRedirect = true }
    }

    private static let moved = Array("MOVED ".utf8)
    private static let ask = Array("ASK ".utf8)

    package func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool {
        switch entry.item {
        case .message(let text):
            out.write(text)
            return false
        case .connect:
            return false
        case .command(_, let args):
            switch entry.outcome {
            case .streamed(let isError)?:
                finished(entry, now: now)
                return isError
            case .closed?:
                finished(entry, now: now)
                return false
            case .failed(let failure, _)?:
                out.flush()
                // After a SHUTDOWN, redis-cli's line alone: the command is the one just typed.
                let label = failure.failsRun ? " [" + Self.label(args) + "]" : ""
                err.write(RcliError.command(failure).text + label + "\n")
                err.flush()
                return failure.failsRun
            case .value(let reply, let origin)?:
                return print(reply, origin: origin, entry: entry, now: now)
            case nil:
                return false
            }
        }
    }

    private func print(_ reply: RESPValue, origin: ReplyOrigin?, entry: Pipeline.Entry, now: Double) -> Bool {
        if case .error(let msg) = reply { noteRedirect(msg) }
        if style.redirects, let redirect = origin?.redirect {
            out.write("-> Redirected to slot [\(redirect.slot)] located at \(redirect.node)\n")
        } else if style.annotations, let note = Self.annotation(origin) {
            out.write("\u{1b}[2m" + note + "\u{1b}[0m\n")
        }
        if style.exitOnError, case .error(let msg) = reply {
            out.flush()
            err.write(msg)
            err.write([10])
            err.flush()
            return true
        }
        formatter(for: entry.item).format(reply, into: &out.buffer)
        out.flushIfLarge()
        finished(entry, now: now)
        return reply.isError
    }

    /// After a reply: its time when slow (the shell).
    private func finished(_ entry: Pipeline.Entry, now: Double) {
        if style.showElapsed && style.format == .tty {
            let elapsed = now - max(entry.sentAt, headStart)
            if elapsed >= 0.5 { out.write("(\(System.cFormat("%.2f", elapsed))s)\n") }
        }
        headStart = now
    }

    private static func annotation(_ origin: ReplyOrigin?) -> String? {
        guard let origin else { return nil }
        if let split = origin.split {
            if split.perMaster { return "[all \(split.nodes) masters]" }
            return "[\(split.parts) slots on \(split.nodes) node\(split.nodes == 1 ? "" : "s"), not atomic]"
        }
        guard let slot = origin.slot else { return nil }
        return "[slot \(slot) → \(origin.node) \(origin.replica ? "replica" : "master")]"
    }

    /// The command's name and first key, for naming it in failure messages (`SET user:1`).
    static func label(_ args: [[UInt8]]) -> String {
        guard let name = args.first else { return "" }
        var text = String(decoding: name.prefix(32), as: UTF8.self).uppercased()
        if let key = CommandKeys.keys(args).first {
            var shown: [UInt8] = []
            Escaping.appendTerminalSafe(key.prefix(64), multiline: false, to: &shown)
            text += " " + String(decoding: shown, as: UTF8.self) + (key.count > 64 ? "..." : "")
        }
        return text
    }

    package func push(_ part: ReplyPart) {
        switch part {
        case .event(let event, _):
            switch event {
            case .begin: pushDepth += 1
            case .end: pushDepth -= 1
            case .scalar: break
            }
            if style.showPushes { _ = pushFormatter.feed(event, into: &out.buffer) }
        case .value(let value):
            if style.showPushes { pushFormatter.format(value, into: &out.buffer) }
        }
    }

    package func stream(_ part: ReplyPart) {
        switch part {
        case .event(let event, _):
            _ = formatter.feed(event, into: &out.buffer)
            out.flushIfLarge()
        case .value(let value):
            formatter.format(value, into: &out.buffer)
        }
    }

    package func lost(_ count: Int, node: NodeAddress, reason: String) {}

    package func note(_ error: RcliError) {
        out.flush()
        err.write(error.text + "\n")
        err.flush()
    }

    package func inputEnded() {}

    package func endRun(_ pipeline: Pipeline, failure: RcliError?) {
        // A reply cut off mid-way (Ctrl-C, a lost connection) ends its line.
        if depth > 0 || pushDepth > 0 || current != .none {
            out.write([10])
            current = .none
            depth = 0
            pushDepth = 0
        }
        out.flush()
        if let failure {
            err.write(failure.text + "\n")
        }
        err.flush()
    }

    package func flush() {
        out.flush()
        err.flush()
    }
}
