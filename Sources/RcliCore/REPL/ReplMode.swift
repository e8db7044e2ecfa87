import RESP
import RedisNet

/// The interactive shell: libedit line editing, history, completion, help, Ctrl-C handling.
/// Each line runs through the same `ScriptRunner` as scripts do.
package final class ReplMode {
    private let session: Session
    private var cluster: ClusterPool?
    private let output: OutputContext
    private let editor: LineEditor
    private let environment: [String: String]
    private var historyPath: String?
    private var inTransaction = false
    private let interruptFD: Int32?
    private let help: HelpCommand
    private var hintsEnabled = true
    private var annotationsEnabled = true
    private var autoCluster = false
    private var clusterNoteShown = false

    private init(session: Session, cluster: ClusterPool?, output: OutputContext, editor: LineEditor, environment: [String: String]) {
        self.session = session
        self.cluster = cluster
        self.output = output
        self.editor = editor
        self.environment = environment
        self.interruptFD = InterruptSignal.install()
        self.help = HelpCommand(session: session)
    }

    /// Runs the shell until `quit`, `exit` or Ctrl-D.
    package static func run(_ parsed: ParsedCommandLine, session: Session, cluster: ClusterPool?, output: OutputContext,
                            environment: [String: String]) -> Int32 {
        guard let editor = LineEditor(program: "rcli") else {
            return StdinMode.run(parsed, session: session, cluster: cluster, output: output)
        }
        let repl = ReplMode(session: session, cluster: cluster, output: output, editor: editor, environment: environment)
        return repl.loop()
    }

    private func loop() -> Int32 {
        if cluster == nil {
            do {
                try session.connect()
            } catch {
                output.err.write(error.message + "\n")
                output.err.flush()
            }
        }
        openHistory()
        loadPreferences()
        if autoCluster && cluster == nil { detectCluster() }
        editor.completer = { [weak self] before in self?.completions(before) ?? [] }
        if environment["TERM"] != "dumb" {
            editor.hinter = { [weak self] line in
                guard let self, self.hintsEnabled, self.cluster != nil || self.session.connection != nil else { return nil }
                return self.help.hint(for: line)
            }
        }
        while true {
            watchPushes()
            switch editor.readLine(prompt: prompt()) {
            case .endOfInput:
                return 0
            case .interrupted:
                output.out.write("\n")
                output.out.flush()
            case .line(let text):
                if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                if HistoryPolicy.mayRemember(line: text) {
                    editor.remember(text)
                    if let path = historyPath, System.ensurePrivateFile(path) { _ = editor.saveHistory(path) }
                }
                if let status = execute(text) { return status }
            }
        }
    }

    /// Runs one line; returns an exit status when the shell should end.
    private func execute(_ text: String) -> Int32? {
        let bytes = Array(text.utf8)
        if let args = CommandLineSplitter.split(bytes), let first = args.first {
            let name = CommandTraits.lower(first)
            if name == "help" || name == "?" {
                output.out.write(help.text(for: args.dropFirst().map { String(decoding: $0, as: UTF8.self) }))
                output.out.flush()
                return nil
            }
            if name == ":set", args.count >= 2, setPreference(args) { return nil }
            if name == "clear" && args.count == 1 {
                output.out.write("\u{1b}[H\u{1b}[2J")
                output.out.flush()
                return nil
            }
        }
        var batch: [(item: ScriptItem, count: Int64)] = []
        for (item, count) in LineSource.repeatedItems(for: bytes[...]) {
            switch item {
            case .quit:
                runBatch(&batch)
                return 0
            case .connect(let host, let port):
                runBatch(&batch)
                reconnect(host: host, port: port)
            case .command(let args):
                let name = CommandTraits.lower(args[0])
                if name == "multi" { inTransaction = true }
                if name == "exec" || name == "discard" { inTransaction = false }
                batch.append((item, count))
            case .message:
                batch.append((item, count))
            }
        }
        let unknown = batch.compactMap { entry -> String? in
            guard case .command(let args) = entry.item else { return nil }
            return help.suggestion(for: String(decoding: args[0], as: UTF8.self))
        }.first
        runBatch(&batch)
        if let unknown {
            output.out.write(unknown)
            output.out.flush()
        }
        return nil
    }

    private func runBatch(_ batch: inout [(item: ScriptItem, count: Int64)]) {
        guard !batch.isEmpty else { return }
        defer { batch.removeAll() }
        if let cluster {
            var options = output.runnerOptions(session.config)
            options.window = 1
            options.showElapsed = true
            options.interruptDescriptor = interruptFD
            let display = ClusterMode.display(session.config, output: output, interactive: true, annotations: annotationsEnabled)
            let runner = ClusterRunner(pool: cluster, options: options, display: display, out: output.out, err: output.err)
            if runner.run(ItemSource(batch)) == ScriptRunner.interruptedStatus {
                output.out.write("\n")
                output.out.flush()
                inTransaction = false
            }
            return
        }
        session.dropIfClosed()
        if session.connection == nil {
            do {
                try session.connect()
            } catch {
                output.err.write(error.message + "\n")
                output.err.flush()
                return
            }
            inTransaction = false
        }
        var options = output.runnerOptions(session.config)
        options.window = 1
        options.showElapsed = true
        options.interruptDescriptor = interruptFD
        options.subscribeKeepsPrompt = true
        let runner = ScriptRunner(session: session, options: options, out: output.out, err: output.err)
        let status = runner.run(ItemSource(batch))
        if runner.sawRedirect && !clusterNoteShown {
            clusterNoteShown = true
            output.out.write("(this is a Redis Cluster node: rcli -c follows MOVED/ASK redirects; ':set autocluster on' in ~/.rclirc does it for you)\n")
            output.out.flush()
        }
        if status == ScriptRunner.interruptedStatus {
            output.out.write("\n")
            output.out.flush()
            // The command was abandoned with its connection; come back with a fresh one that
            // has the same database, credentials and protocol.
            inTransaction = false
            _ = try? session.connect()
        } else if session.connection == nil {
            inTransaction = false
        }
    }

    /// Under RESP3, messages pushed while the prompt waits (pub/sub, invalidations) are
    /// printed above the line as they arrive.
    private func watchPushes() {
        guard cluster == nil, session.usesRESP3, let conn = session.connection else {
            editor.background = nil
            return
        }
        editor.background = (conn.descriptor, { [weak self] in self?.printPushes() })
    }

    private func printPushes() {
        guard let conn = session.connection else { return }
        var out: [UInt8] = []
        do {
            try conn.receive()
            let formatter = TTYFormatter()
            while let value = try conn.parser.nextValue() { formatter.format(value, into: &out) }
        } catch {
            session.disconnect()
            editor.background = nil
            out += Array("Error: \(error)\n".utf8)
        }
        output.out.write(out)
        output.out.flush()
    }

    private func reconnect(host: String, port: Int) {
        inTransaction = false
        if let cluster {
            do throws(SessionError) {
                try cluster.reseed(host: host, port: port)
            } catch {
                output.err.write(error.message + "\n")
                output.err.flush()
            }
            return
        }
        session.retarget(host: host, port: port)
        do {
            try session.connect()
        } catch {
            output.err.write(error.message + "\n")
            output.err.flush()
        }
    }

    private func prompt() -> String {
        if let cluster { return "\(cluster.router.current)" + (inTransaction ? "(TX)" : "") + "> " }
        guard session.connection != nil else { return "not connected> " }
        let config = session.config
        var p = config.socketPath.map { "redis \($0)" } ?? "\(config.host):\(config.port)"
        if session.database != 0 { p += "[\(session.database)]" }
        if inTransaction { p += "(TX)" }
        return p + "> "
    }

    private func openHistory() {
        let path: String
        if let custom = environment["REDISCLI_HISTFILE"] {
            path = custom
        } else if let home = System.homeDirectory(environment) {
            path = home + "/.rcli_history"
        } else {
            return
        }
        if path == "/dev/null" || path.isEmpty { return }
        if System.fileExists(path) && !(System.readTextFile(path)?.isEmpty ?? false) {
            guard editor.loadHistory(path) else {
                // Unreadable, a directory, or not a history file: keep it as it is.
                output.err.write("Warning: cannot read history file \(path); history will not be saved this session\n")
                output.err.flush()
                return
            }
        }
        historyPath = path
        if System.fileExists(path) { _ = System.ensurePrivateFile(path) }
    }

    private func loadPreferences() {
        let path = environment["REDISCLI_RCFILE"] ?? System.homeDirectory(environment).map { $0 + "/.rclirc" }
        guard let path, let text = System.readTextFile(path) else { return }
        for line in text.split(separator: "\n") {
            guard let args = CommandLineSplitter.split(Array(line.utf8)), !args.isEmpty else { continue }
            if args.count >= 2, CommandTraits.lower(args[0]) == ":set" { _ = setPreference(args) }
            let message = Preferences.apply(args, interactive: false)
            if !message.isEmpty { output.out.write(message) }
        }
        output.out.flush()
    }

    /// Applies a `:set` the shell acts on; false when it is not one (or malformed).
    private func setPreference(_ args: [[UInt8]]) -> Bool {
        let pref = CommandTraits.lower(args[1])
        let on = args.count == 3 ? CommandTraits.lower(args[2]) : ""
        switch (pref, args.count, on) {
        case ("hints", 2, _), ("nohints", 2, _): hintsEnabled = pref == "hints"
        case ("annotations", 3, "on"), ("annotations", 3, "off"): annotationsEnabled = on == "on"
        case ("autocluster", 3, "on"), ("autocluster", 3, "off"): autoCluster = on == "on"
        default: return false
        }
        return true
    }

    /// `:set autocluster on`: when the server says `cluster_enabled:1`, the shell runs as with -c.
    private func detectCluster() {
        guard let conn = session.connection,
              let info = try? conn.roundTrip([Array("INFO".utf8), Array("cluster".utf8)], deadline: monotonicSeconds() + 5),
              let text = info.text, text.contains("cluster_enabled:1") else { return }
        switch ClusterMode.open(session: session, output: output) {
        case .success(let pool?):
            cluster = pool
            output.err.write("rcli: \(session.endpoint) is a cluster node; cluster mode is on (autocluster)\n")
            output.err.flush()
        default:
            break
        }
    }

    /// Completion candidates for the word before the cursor; case follows what was typed.
    private func completions(_ before: String) -> [String] {
        let words = before.split(separator: " ", omittingEmptySubsequences: true)
        let endsWithSpace = before.last == " "
        let current = endsWithSpace ? "" : String(words.last ?? "")
        let position = endsWithSpace ? words.count : max(0, words.count - 1)
        var pool: [String]
        if position == 0 {
            pool = names() + ["help", "quit", "exit", "connect", "clear"]
        } else if position == 1, words.first?.lowercased() == "help" {
            pool = names() + HelpCommand.groups.map { "@" + $0 }
        } else if position == 1, let first = words.first?.lowercased() {
            pool = subcommands(first)
        } else {
            return []
        }
        let lower = current.lowercased()
        let upper = current.first?.isUppercase ?? false
        return pool.filter { $0.lowercased().hasPrefix(lower) }
            .map { upper ? $0.uppercased() : $0.lowercased() }
            .sorted()
    }

    private func names() -> [String] {
        help.commandNames()
    }

    private func subcommands(_ container: String) -> [String] {
        names().compactMap { name in
            let parts = name.split(separator: "|")
            return parts.count == 2 && parts[0] == container ? String(parts[1]) : nil
        }
    }
}
