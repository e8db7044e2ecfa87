/// redis-cli 7.2's line under a subscribed session's messages: "Reading messages... (press
/// Ctrl-C to quit or any key to type command)" and a carriage return, erased with `ESC[K` when
/// the wait ends, so the next output takes its place. Dimmed (`ESC[1;90m`) when TERM names an
/// xterm, as redis-cli decides.
package struct MessageBanner {
    /// redis-cli's words.
    package static let text = "Reading messages... (press Ctrl-C to quit or any key to type command)"

    private let out: OutputSink
    private let line: String

    /// The line on `out`, dimmed when `dim`.
    package init(out: OutputSink, dim: Bool) {
        self.out = out
        line = dim ? "\u{1b}[1;90m" + Self.text + "\r\u{1b}[0m" : Self.text + "\r"
    }

    /// The banner a session printing `format` to `output` shows, as redis-cli decides: on a
    /// terminal (or FAKETTY) unless raw, dimmed when TERM names an xterm; nil for none.
    package init?(_ output: OutputContext, format: OutputFormat, environment: [String: String]) {
        guard output.stdoutIsTerminal, format != .raw else { return nil }
        self.init(out: output.out, dim: environment["TERM"]?.contains("xterm") ?? false)
    }

    /// Shows the line (flushed: what waits next may take long).
    package func show() {
        out.write(line)
        out.flush()
    }

    /// Erases the line, once the wait is over.
    package func erase() {
        out.write("\u{1b}[K")
        out.flush()
    }
}
