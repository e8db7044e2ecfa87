import Cluster

/// The cluster manager's output: everything on stdout as redis-cli prints it (`>>> ` steps,
/// `[OK]`, `[WARNING]`, `[ERR]`), coloured only when stdout is a terminal (redis-cli colours
/// whenever $TERM mentions xterm, even into a pipe).
/// With a `capture` (`check --json`), nothing goes to stdout: `[ERR]` and `[WARNING]` lines are
/// kept for the report instead, and stderr lines are kept as errors too.
struct ManagerLog {
    let output: OutputContext
    var capture: ManagerLogCapture?

    init(output: OutputContext, capture: ManagerLogCapture? = nil) {
        self.output = output
        self.capture = capture
    }

    private var colour: Bool { output.stdoutIsTerminal }

    func info(_ text: String) { write(text, code: "29;1") }
    func ok(_ text: String) { write(text, code: "32;1") }
    func warn(_ text: String) {
        capture?.warnings.append(ManagerLogCapture.line(text))
        write(text, code: "33;1")
    }
    func err(_ text: String) {
        capture?.errors.append(ManagerLogCapture.line(text))
        write(text, code: "31;1")
    }

    /// Plain text (node listings, prompts), flushed.
    func plain(_ text: String) {
        guard capture == nil else { return }
        output.out.write(text)
        output.out.flush()
    }

    private func write(_ text: String, code: String) {
        guard capture == nil else { return }
        output.out.write(colour ? "\u{1b}[\(code)m" + text + "\n\u{1b}[0m" : text + "\n")
        output.out.flush()
    }

    /// redis-cli's `Node host:port replied with error:` and the error, as an `[ERR]`-coloured line.
    func replied(_ node: ManagerNode, _ error: [UInt8]) {
        replied(node.address, error)
    }

    func replied(_ address: NodeAddress, _ error: [UInt8]) {
        err(Self.repliedText(address, error))
    }

    static func repliedText(_ address: NodeAddress, _ error: [UInt8]) -> String {
        "Node \(ManagerAddress.text(address)) replied with error:\n" + String(decoding: error, as: UTF8.self)
    }

    /// An error on stderr (argument and connection problems, as redis-cli).
    func fail(_ text: String) -> Int32 {
        capture?.errors.append(ManagerLogCapture.line(text))
        output.out.flush()
        output.err.write(text + "\n")
        output.err.flush()
        return 1
    }
}

/// What a quiet run reported, for `--json`.
final class ManagerLogCapture {
    var errors: [String] = []
    var warnings: [String] = []

    /// One line of text without the trailing newlines.
    static func line(_ text: String) -> String {
        String(text.reversed().drop { $0 == "\n" }.reversed())
    }
}
