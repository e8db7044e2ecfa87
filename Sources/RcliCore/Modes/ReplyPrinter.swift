import RedisNet

/// What the standalone and cluster runners share for printing replies: the formatters for a
/// format (raw-output commands and pushes get their own), redis-cli's "Reading messages..."
/// banner, and the pacing after each reply (the shell's `(1.23s)`, `-i`).
final class ReplyPrinter {
    /// The format's formatter.
    let formatter: ReplyFormatter
    /// For commands redis-cli prints raw even on a terminal (INFO, CLIENT LIST ...).
    let rawFormatter: ReplyFormatter
    /// For RESP3 push messages between replies.
    let pushFormatter: ReplyFormatter
    private let options: ScriptRunner.Options
    private let out: OutputSink
    private var bannerShown = false
    private var headStart = monotonicSeconds()

    init(options: ScriptRunner.Options, out: OutputSink) {
        self.options = options
        self.out = out
        self.formatter = Formatters.make(options.format, elementDelimiter: options.elementDelimiter,
                                         replyDelimiter: options.replyDelimiter)
        self.rawFormatter = options.format == .tty ? RawFormatter(replyDelimiter: [], terminalSafe: true) : formatter
        self.pushFormatter = Formatters.make(options.format == .raw ? .tty : options.format)
    }

    /// The formatter for a reply to a command with `traits`.
    func formatter(for traits: CommandTraits) -> ReplyFormatter {
        traits.rawOutput ? rawFormatter : formatter
    }

    /// Before the first reply of a streaming SUBSCRIBE: redis-cli's banner, once, unless raw.
    func announce(_ traits: CommandTraits) {
        guard traits.subscribe, traits.streaming, !bannerShown, options.format != .raw else { return }
        out.write("Reading messages... (press Ctrl-C to quit)\n")
        bannerShown = true
    }

    /// Restarts the clock that measures the next reply (at the start of a run).
    func startClock() {
        headStart = monotonicSeconds()
    }

    /// After a reply to a command sent at `sentAt`: its time when slow (shell), then `-i`.
    func finished(sentAt: Double) {
        let now = monotonicSeconds()
        if options.showElapsed && options.format == .tty {
            let elapsed = now - max(sentAt, headStart)
            if elapsed >= 0.5 { out.write("(\(System.cFormat("%.2f", elapsed))s)\n") }
        }
        headStart = now
        if options.interval > 0 {
            out.flush()
            System.sleep(seconds: options.interval)
            headStart = monotonicSeconds()
        }
    }

}
