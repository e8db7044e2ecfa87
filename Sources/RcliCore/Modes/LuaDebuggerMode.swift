import RESP
import RedisNet

/// `--eval <file> --ldb` / `--ldb-sync-mode`: redis-cli's Lua debugger client. A round prints
/// the banner, reads the file, sends `SCRIPT DEBUG yes|sync` then the EVAL, and prints the
/// server's stops; then each input line (`lua debugger> ` on a terminal, plain lines from a
/// pipe) is a debugger command. `quit`/`exit` end rcli, `restart` starts a new round on a new
/// connection. When the server ends the session, the script's reply is printed in the human
/// format and the shell (or, with stdin not a terminal, the rest of stdin) carries on.
final class LuaDebuggerMode {
    private let file: String
    private let words: [[UInt8]]
    private let kind: LuaDebuggerKind
    private let config: CLIConfiguration
    private let transport: ShellTransport
    private let output: OutputContext
    private let environment: [String: String]
    private let session: Session
    private let colour: Bool
    private var editor: LineEditor?

    /// How a session ends.
    private enum End {
        case exit(Int32)
        case restart
        case ended
    }

    private init(
        file: String, words: [String], config: CLIConfiguration, transport: ShellTransport, output: OutputContext,
        environment: [String: String]
    ) {
        self.file = file
        self.words = words.map { Array($0.utf8) }
        self.kind = config.luaDebugger ?? .forked
        self.config = config
        self.transport = transport
        self.output = output
        self.environment = environment
        self.session = transport.primary
        colour = output.stdoutIsTerminal && (environment["TERM"] ?? "").contains("xterm")
        editor = System.isTerminal(0) ? LineEditor(program: "rcli") : nil
    }

    /// Runs sessions until `quit`, the end of input, or the end of the shell that follows one.
    static func run(
        _ words: [String], config: CLIConfiguration, transport: ShellTransport, output: OutputContext,
        environment: [String: String]
    ) -> Int32 {
        guard let file = config.evalFile else { return 1 }
        let mode = LuaDebuggerMode(
            file: file, words: words, config: config, transport: transport, output: output, environment: environment)
        return mode.loop()
    }

    private func loop() -> Int32 {
        // As redis-cli: no banner without a server.
        guard output.connect(session) != nil else { return 1 }
        while true {
            write(
                "Lua debugging session started, please use:\nquit    -- End the session.\n"
                    + "restart -- Restart the script in debug mode again.\n"
                    + "help    -- Show Lua script debugging commands.\n\n")
            let script: [UInt8]
            switch System.readFile(file) {
            case .success(let s): script = s
            case .failure(let e): return output.fail(.input("Can't open file '\(file)': \(e.description)"))
            }
            let debug = kind == .sync ? "sync" : "yes"
            guard call(["SCRIPT", "DEBUG", debug].map { Array($0.utf8) }) != nil,
                let reply = call(evalArguments(script: script, words: words))
            else { return 1 }
            if show(reply) {
                // Ended at once: the script does not compile.
                write("Eval debugging session can't start:\n")
                return showFinalReply() ? 0 : 1
            }
            switch prompts() {
            case .exit(let status):
                return status
            case .restart:
                session.disconnect()
                write("\n")
            case .ended:
                if let status = carryOn() { return status }
                // `restart` typed in the shell that followed. Ctrl-C ends rcli again while
                // the debugger waits, as in the first round (and in redis-cli).
                InterruptSignal.restoreDefault()
                editor = System.isTerminal(0) ? LineEditor(program: "rcli") : nil
                session.disconnect()
                write("\n")
            }
        }
    }

    /// The debugger's prompt loop, until the session ends one way or another.
    private func prompts() -> End {
        while true {
            guard let line = readLine() else { return .exit(0) }
            guard !line.isEmpty else { continue }
            guard var args = LuaDebuggerReply.arguments(line) else {
                write("Invalid argument(s)\n")
                continue
            }
            guard let first = args.first else { continue }
            switch CommandTraits.lower(first) {
            case "quit", "exit": return .exit(0)
            case "restart": return .restart
            default: break
            }
            if first.first == UInt8(ascii: ":") {
                // `:set hints` and friends are the shell's, as in redis-cli (nothing to change here).
                write(Preferences.apply(args, interactive: true))
                continue
            }
            // "3 s": three steps, as redis-cli repeats any command.
            var times = 1
            if args.count > 1, let n = Int(String(decoding: first, as: UTF8.self)), n > 0 {
                times = n
                args.removeFirst()
            }
            for _ in 0..<times {
                guard let reply = call(args) else { return .exit(1) }
                if show(reply) {
                    guard showFinalReply() else { return .exit(1) }
                    write(
                        kind == .sync
                            ? "\n(Lua debugging session ended)\n\n"
                            : "\n(Lua debugging session ended -- dataset changes rolled back)\n\n")
                    return .ended
                }
            }
        }
    }

    /// After a session, the shell goes on (the rest of stdin when it is not a terminal), with
    /// replies in the human format as redis-cli shows them then. A forked session's
    /// connection was the server's child's: a new one is made. Nil when `restart` was typed
    /// in the shell (a terminal's; piped input has no shell to restart from).
    private func carryOn() -> Int32? {
        if kind == .forked { session.disconnect() }
        var after = config
        after.outputFormat = .tty
        guard editor != nil else {
            return StdinMode.run(after, transport: transport, output: output, environment: environment)
        }
        editor = nil
        return ReplMode.runAfterDebugging(after, transport: transport, output: output, environment: environment)
    }

    /// The next input line; nil at the end of input.
    private func readLine() -> String? {
        guard let editor else { return readPipedLine() }
        while true {
            switch editor.readLine(prompt: "lua debugger> ") {
            case .endOfInput:
                return nil
            case .interrupted:
                write("\n")
            case .line(let text):
                if !text.isEmpty { editor.remember(text) }
                return text
            }
        }
    }

    /// A line of stdin read a byte at a time, so that what follows stays unread for the shell
    /// that may carry on after the session (as redis-cli's line reader without a terminal).
    private func readPipedLine() -> String? {
        var line: [UInt8] = []
        while true {
            var byte: [UInt8] = []
            guard case .success(1) = System.read(0, appendingTo: &byte, max: 1) else {
                return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
            }
            if byte[0] == 10 { return String(decoding: line, as: UTF8.self) }
            line += byte
        }
    }

    /// Sends `args` and returns the reply; nil after printing why there is none.
    private func call(_ args: [[UInt8]]) -> RESPValue? {
        guard let conn = output.connect(session) else { return nil }
        do throws(NetError) {
            return try conn.roundTrip(args)
        } catch {
            session.disconnect()
            _ = output.fail(.network(error))
            return nil
        }
    }

    /// Prints a reply of the debugger; true when it ended the session.
    private func show(_ reply: RESPValue) -> Bool {
        let (text, ended) = LuaDebuggerReply.format(reply, colour: colour)
        output.out.write(text)
        output.out.flush()
        return ended
    }

    /// Reads and prints (human format) the EVAL's own reply, which follows the session's end.
    private func showFinalReply() -> Bool {
        guard let conn = session.connection else { return false }
        do throws(NetError) {
            var text: [UInt8] = []
            TTYFormatter().format(try conn.nextValue(), into: &text)
            output.out.write(text)
            output.out.flush()
            return true
        } catch {
            session.disconnect()
            _ = output.fail(.network(error))
            return false
        }
    }

    private func write(_ text: String) {
        output.out.write(text)
        output.out.flush()
    }
}
