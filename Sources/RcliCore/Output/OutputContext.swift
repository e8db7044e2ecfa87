import RedisNet

/// Where output goes and how it is formatted by default.
package struct OutputContext {
    /// stdout.
    package let out: OutputSink
    /// stderr.
    package let err: OutputSink
    /// True when stdout is a terminal (or FAKETTY is set, as redis-cli's tests do).
    package let stdoutIsTerminal: Bool

    /// The format a configuration asks for (by default: tty on a terminal, else raw).
    package func format(_ config: CLIConfiguration) -> OutputFormat {
        config.outputFormat ?? (stdoutIsTerminal ? .tty : .raw)
    }

    /// How replies look for a configuration (cluster annotations on a terminal in tty format);
    /// `terminal` false: as for a pipe even when stdout is a terminal (the shell's `| command`).
    package func printingStyle(_ config: CLIConfiguration, terminal: Bool? = nil) -> PrintingSink.Style {
        let terminal = terminal ?? stdoutIsTerminal
        var style = PrintingSink.Style(
            format: config.outputFormat ?? (terminal ? .tty : .raw),
            showPushes: config.showPushes ?? terminal)
        style.exitOnError = config.exitOnError
        style.elementDelimiter = config.elementDelimiter
        style.replyDelimiter = config.replyDelimiter
        style.annotations = terminal && style.format == .tty
        return style
    }

    /// How a run of commands behaves: one at a time with `-e` or `-i` (so nothing after a
    /// failing command is ever sent, and `-i` paces each one), else `window` in flight.
    package func runSettings(_ config: CLIConfiguration, window: Int = 1000) -> Pipeline.Settings {
        var settings = Pipeline.Settings(window: .commands(config.exitOnError || config.interval > 0 ? 1 : window))
        settings.exitOnError = config.exitOnError
        settings.interval = config.interval
        return settings
    }

    /// An engine printing replies over `transport` (a server is connected to first, so an
    /// unreachable one fails before anything runs); nil after printing why not.
    func engine(
        _ transport: Transport, style: PrintingSink.Style, settings: Pipeline.Settings,
        interruptDescriptor: Int32? = nil
    ) -> (Engine, PrintingSink)? {
        if let error = transport.open() {
            _ = fail(error)
            return nil
        }
        let sink = PrintingSink(style: style, out: out, err: err)
        return (
            Engine(transport: transport, sink: sink, settings: settings, interruptDescriptor: interruptDescriptor), sink
        )
    }

    /// Prints `error` on stderr (what was printed on stdout first) and returns status 1: the one
    /// way a mode reports the failure that ends it.
    package func fail(_ error: RcliError) -> Int32 {
        out.flush()
        err.write(error.text + "\n")
        err.flush()
        return 1
    }

    /// The session's connection; when there is none, why is printed on stderr and the result is nil
    /// (the mode then exits with status 1).
    @discardableResult
    package func connect(_ session: Session) -> Connection? {
        do {
            return try session.connect()
        } catch {
            _ = fail(error)
            return nil
        }
    }
}
