import Cluster
import RESP
import RedisNet

/// The interactive shell: libedit line editing, history, completion, help, Ctrl-C handling.
/// Each line runs through the same engine as scripts do, one command at a time, on a transport
/// that lives as long as the shell (so a cluster's connections and slot map are kept).
package final class ReplMode {
    private let config: CLIConfiguration
    let output: OutputContext
    private let editor: LineEditor
    private let environment: [String: String]
    private var history: HistoryFile?
    var transaction = MultiTracker()
    var inTransaction: Bool { transaction.inMulti }
    let help: HelpCommand
    private var hintsEnabled = true
    private var annotationsEnabled = true
    private var autoCluster = false
    private var clusterNoteShown = false
    private let sink: PrintingSink
    /// How replies look in the shell, and on their way to a shell command (`reply | command`).
    private let shellStyle: PrintingSink.Style
    private let pipeStyle: PrintingSink.Style
    /// While a piped line's command runs: what it left to say after the shell command.
    var capture: PipeCapture?
    let engine: Engine
    /// The engine's transport, as the shell sees it (autocluster swaps both).
    var transport: ShellTransport
    let keyNames = KeyCompleter()
    /// Key names scanned while the prompt waits (never for the test hook's piped keys).
    let idleScan: IdleKeyScan
    private let pager: Pager
    private var paging: Bool
    /// After a --ldb session: `restart` ends the shell for a new debugging round.
    private var restartable = false
    private var restartRequested = false

    /// The status of a line interrupted by Ctrl-C.
    static let interruptedStatus: Int32 = 130

    private init(
        config: CLIConfiguration, transport: ShellTransport, output: OutputContext, editor: LineEditor,
        environment: [String: String]
    ) {
        self.config = config
        self.output = output
        self.editor = editor
        self.environment = environment
        self.transport = transport
        self.help = HelpCommand(session: transport.primary)
        self.pager = Pager(environment: environment)
        self.paging = config.pager
        idleScan = IdleKeyScan(enabled: config.idleKeyScan && !Self.keysFromPipe(environment))
        var style = output.printingStyle(config)
        style.showElapsed = true
        style.redirects = true
        shellStyle = style
        pipeStyle = output.printingStyle(config, terminal: false)
        sink = PrintingSink(style: style, out: output.out, err: output.err)
        var settings = output.runSettings(config)
        settings.window = .commands(1)
        settings.subscriptions = .keepInput
        engine = Engine(
            transport: transport, sink: sink, settings: settings, interruptDescriptor: InterruptSignal.install())
        // Ctrl-C during a connect or a handshake (`connect host port`, the reconnect before a
        // command) gives the prompt back.
        InterruptSignal.endsBlockingWaits = true
    }

    /// Runs the shell until `quit`, `exit` or Ctrl-D.
    package static func run(
        _ config: CLIConfiguration, transport: ShellTransport, output: OutputContext,
        environment: [String: String]
    ) -> Int32 {
        shell(config, transport: transport, output: output, environment: environment, restartable: false) ?? 0
    }

    /// The shell after a --ldb session, as redis-cli's: `restart` starts a new debugging round
    /// (nil); otherwise the exit status.
    package static func runAfterDebugging(
        _ config: CLIConfiguration, transport: ShellTransport, output: OutputContext, environment: [String: String]
    ) -> Int32? {
        shell(config, transport: transport, output: output, environment: environment, restartable: true)
    }

    /// The shell (stdin's script when there is no terminal to edit on); nil when `restart` ended it.
    private static func shell(
        _ config: CLIConfiguration, transport: ShellTransport, output: OutputContext, environment: [String: String],
        restartable: Bool
    ) -> Int32? {
        guard let editor = LineEditor(program: "rcli", keysFromPipe: keysFromPipe(environment)) else {
            return StdinMode.run(config, transport: transport, output: output, environment: environment)
        }
        let repl = ReplMode(
            config: config, transport: transport, output: output, editor: editor, environment: environment)
        repl.restartable = restartable
        let status = repl.loop()
        return repl.restartRequested ? nil : status
    }

    /// redis-cli's test hook FAKETTY_WITH_PROMPT: the shell runs with stdin a pipe, whose bytes
    /// go through the line editor as keys (on a terminal the hook changes nothing).
    static func keysFromPipe(_ environment: [String: String]) -> Bool {
        environment["FAKETTY_WITH_PROMPT"] != nil && !System.isTerminal(0)
    }

    private func loop() -> Int32 {
        if let error = transport.open() { report(error) }
        openHistory()
        loadPreferences()
        if autoCluster && !transport.followsRedirects { detectCluster() }
        editor.completer = { [weak self] before in self?.completions(before) ?? [] }
        idleScan.beforeScan = { [weak self] in self?.help.prefetch() }
        idleScan.printPushes = { [sink] in MessageWait.print($0, to: sink) }
        // No hints on a dumb terminal, nor under the test hook (redis-cli fetches no hint table when
        // stdin is not a terminal).
        if environment["TERM"] != "dumb" && !Self.keysFromPipe(environment) {
            editor.hinter = { [weak self] line in
                guard let self, self.hintsEnabled, self.transport.location != nil else { return nil }
                return self.help.hint(for: line)
            }
        }
        while true {
            // Keys typed ahead go to the prompt at once.
            if transport.subscribed && !editor.hasPendingInput && waitForMessages() == .interrupted {
                leaveSubscribedMode()
                continue
            }
            watchPushes()
            let subscribed = transport.subscribed
            // The idle key scan only at this prompt, connected, outside MULTI, not subscribed.
            editor.idle = idleScan.offer(at: inTransaction || subscribed ? nil : transport.location) { [weak self] in
                self?.transport.servers(replicas: false).map(\.session) ?? []
            }
            let input = editor.readLine(prompt: prompt())
            idleScan.settle()
            editor.idle = nil
            switch input {
            case .endOfInput:
                // As redis-cli: Ctrl-D while subscribed leaves subscribed mode, not the shell.
                guard subscribed else { return 0 }
                output.out.write("\n")
                output.out.flush()
                leaveSubscribedMode()
            case .interrupted:
                output.out.write("\n")
                output.out.flush()
                if subscribed { leaveSubscribedMode() }
            case .line(let text):
                if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                // As redis-cli 7.4: every line can be recalled in this session; lines with secrets
                // never reach the file.
                editor.remember(text)
                if HistoryPolicy.mayRemember(line: text) {
                    history?.append(text)
                    _ = history?.save()
                }
                if let status = run(line: text) { return status }
            }
        }
    }

    /// Says why a connection could not be made; after Ctrl-C only the line ends (the terminal
    /// echoed `^C`), and the prompt comes back.
    func report(_ error: RcliError) {
        guard case .interrupted = error else {
            _ = output.fail(error)
            return
        }
        output.out.write("\n")
        output.out.flush()
    }

    /// Runs one line; returns an exit status when the shell should end.
    func execute(_ text: String) -> Int32? {
        // A Ctrl-C that ended a connect is still in the self-pipe (so every wait that was
        // unwinding saw it): it was for that, not for this line.
        _ = InterruptSignal.takePending()
        let bytes = Array(text.utf8)
        if let args = CommandLineSplitter.split(bytes), let first = args.first {
            let name = CommandTraits.lower(first)
            if name == "help" || name == "?" {
                output.out.write(help.text(for: args.dropFirst().map { String(decoding: $0, as: UTF8.self) }))
                output.out.flush()
                return nil
            }
            if name == ":set", args.count >= 2, setPreference(args) { return nil }
            if name == "peek" {
                peek(args)
                return nil
            }
            if name == "restart" && args.count == 1 {
                if restartable {
                    restartRequested = true
                    return 0
                }
                say("Use 'restart' only in Lua debugging mode.\n")
                return nil
            }
            if name == ":pager", args.count == 2, setPaging(args[1]) { return nil }
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
                transaction.follow(name, argc: args.count)
                idleScan.noteLine(command: name)
                // Help and hints are fetched on first use; once subscribed, the connection
                // cannot be asked (RESP2 refuses, and messages would be taken for the answer).
                if CommandTraits(args).subscribe { help.prefetch() }
                batch.append((item, count))
            case .message, .raw:
                batch.append((item, count))
            }
        }
        guard confirmRisks(batch) else { return nil }
        let unknown = batch.compactMap { entry -> String? in
            guard case .command(let args) = entry.item else { return nil }
            return help.suggestion(for: String(decoding: args[0], as: UTF8.self))
        }.first
        runBatch(&batch)
        if let unknown { say(unknown) }
        return nil
    }

    /// Asks before a risky command (see DangerGuard) unless --no-confirm or a profile's
    /// `confirm = false`; false when it was not confirmed. One-shot commands and scripts never
    /// come here: they are deliberate.
    private func confirmRisks(_ batch: [(item: ScriptItem, count: Int64)]) -> Bool {
        guard config.confirmDangerous else { return true }
        for entry in batch {
            guard case .command(let args) = entry.item, let risk = DangerGuard.risk(args) else { continue }
            let servers = transport.servers(replicas: false).map(\.session)
            var keys: Int?
            // No side query inside MULTI, nor on a subscribed connection (its messages would
            // be taken for the answer).
            if !inTransaction && !transport.subscribed {
                keys = servers.reduce(0) { total, session in
                    guard let total, case .integer(let n) = SideQuery.send(session, ["DBSIZE"]) else { return nil }
                    return total + Int(n)
                }
            }
            let words: String
            switch risk {
            case .always(let name):
                words = name
            case .keysOver(let limit):
                guard let keys, keys > limit else { continue }
                words = "KEYS"
            }
            let target = servers.count == 1 ? (transport.location ?? "the server") : "\(servers.count) masters"
            let count = keys.map { " (\($0) keys)" } ?? (inTransaction ? " (in a transaction)" : "")
            guard
                case .line(let answer) = editor.readLine(
                    prompt: "\(words) on \(target)\(count). Type 'yes' to run it: "),
                answer.split(separator: " ") == ["yes"]
            else {
                capture?.abandoned = true
                say("(not run)\n")
                return false
            }
        }
        return true
    }

    private func runBatch(_ batch: inout [(item: ScriptItem, count: Int64)]) {
        guard !batch.isEmpty else { return }
        defer { batch.removeAll() }
        transport.forgetIfClosed()
        if transport.location == nil {
            if let error = transport.open() {
                capture?.abandoned = true
                report(error)
                return
            }
            transaction.abandon()
        }
        var style = capture == nil ? shellStyle : pipeStyle
        if capture == nil { style.annotations = annotationsEnabled && output.printingStyle(config).annotations }
        sink.style = style
        // Paged: the whole reply is kept, then shown through the pager when taller than the
        // screen. Not for commands that stream until Ctrl-C.
        let streams = batch.contains { entry in
            guard case .command(let args) = entry.item else { return false }
            return CommandTraits(args).streaming
        }
        if streams && capture != nil {
            refusePipe(batch)
            return
        }
        let paged = paging && !streams && capture == nil && System.isTerminal(1)
        if paged {
            output.out.flush()
            output.out.holding = true
        }
        let status = engine.run(ItemSource(batch))
        if paged {
            output.out.holding = false
            var warning = ""
            if pager.page(output.out.buffer, warn: { warning = $0 }) { output.out.buffer.removeAll() }
            output.out.flush()
            // After the reply, where it is seen.
            output.err.write(warning)
            output.err.flush()
            // Ctrl-C in the pager reached rcli too: it was for the pager.
            _ = InterruptSignal.takePending()
        }
        if sink.sawRedirect && !clusterNoteShown && !transport.followsRedirects {
            clusterNoteShown = true
            say(
                "(this is a Redis Cluster node: rcli -c follows MOVED/ASK redirects; ':set "
                    + "autocluster on' in ~/.rclirc does it for you)\n"
            )
        }
        if status == Self.interruptedStatus {
            capture?.abandoned = true
            say("\n")
            // The command was abandoned with its connection; come back with a fresh one that
            // has the same database, credentials and protocol.
            transaction.abandon()
            transport.recover()
        } else if transport.location == nil {
            transaction.abandon()
        }
    }

    /// Messages pushed while the prompt waits (RESP3 pub/sub, invalidations) are printed above
    /// the line as they arrive.
    private func watchPushes() {
        let fds = transport.idleDescriptors
        guard !fds.isEmpty else {
            editor.background = nil
            return
        }
        editor.background = (fds, { [weak self] in self?.printPushes() })
    }

    private func printPushes() {
        if !messageWait.show() { editor.background = nil }
    }

    private var messageWait: MessageWait {
        MessageWait(
            transport: transport, sink: sink, out: output.out,
            banner: MessageBanner(output, format: sink.style.format, environment: environment))
    }

    /// Subscribed mode between commands (redis-cli 7.2): messages print until a key is pressed,
    /// Ctrl-C, or the last subscription ends.
    private func waitForMessages() -> MessageWait.Outcome {
        editor.background = nil
        return messageWait.run()
    }

    /// Ctrl-C (or Ctrl-D) in subscribed mode: as redis-cli, a fresh connection with the same
    /// database, credentials and protocol replaces the subscribed one.
    private func leaveSubscribedMode() {
        transaction.abandon()
        transport.interrupt()
        if let error = transport.open() { report(error) }
    }

    private func reconnect(host: String, port: Int) {
        transaction.abandon()
        idleScan.reset()
        if let error = transport.retarget(host: host, port: port) { report(error) }
    }

    /// redis-cli's prompt (`127.0.0.1:6379[2](TX)> `); with a profile, `@name ` first and the
    /// profile's colour (unless NO_COLOR is set or the terminal is dumb).
    private func prompt() -> String {
        var text =
            transport.location.map {
                $0 + (inTransaction ? "(TX)" : "") + (transport.subscribed ? "(subscribed mode)" : "") + ">"
            } ?? "not connected>"
        if let name = config.profileName { text = "@\(name) " + text }
        if let color = config.promptColor, environment["NO_COLOR"] == nil, environment["TERM"] != "dumb" {
            text = color.paint(text)
        }
        return text + " "
    }

    private func openHistory() {
        let path: String
        if let custom = CLIEnvironment.value("HISTFILE", in: environment) {
            path = custom
        } else if let home = System.homeDirectory(environment) {
            path = home + "/.rcli_history"
        } else {
            return
        }
        if path == "/dev/null" || path.isEmpty { return }
        switch HistoryFile.load(path) {
        case .success(let file):
            for line in file.lines { editor.remember(line) }
            history = file
        case .failure:
            // Unreadable, a directory, or not a history file: keep it as it is.
            output.err.write("Warning: cannot read history file \(path); history will not be saved this session\n")
            output.err.flush()
        }
    }

    private func loadPreferences() {
        let path =
            CLIEnvironment.value("RCFILE", in: environment) ?? System.homeDirectory(environment).map { $0 + "/.rclirc" }
        guard let path, let text = System.readTextFile(path) else { return }
        for line in text.split(separator: "\n") {
            guard let args = CommandLineSplitter.split(Array(line.utf8)), !args.isEmpty else { continue }
            if args.count >= 2, CommandTraits.lower(args[0]) == ":set" { _ = setPreference(args) }
            if args.count == 2, CommandTraits.lower(args[0]) == ":pager" { _ = setPaging(args[1]) }
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

    /// `:pager on|off`; false when the word is neither.
    private func setPaging(_ word: [UInt8]) -> Bool {
        switch CommandTraits.lower(word) {
        case "on": paging = true
        case "off": paging = false
        default: return false
        }
        return true
    }

    /// `:set autocluster on`: when the server says `cluster_enabled:1`, the shell runs as with -c.
    private func detectCluster() {
        let session = transport.primary
        guard session.connection != nil, let info = SideQuery.send(session, ["INFO", "cluster"], seconds: 5),
            let text = info.text, text.contains("cluster_enabled:1")
        else { return }
        if case .success(let cluster?) = Transports.cluster(session: session, config: config, output: output) {
            transport = cluster
            engine.transport = cluster
            output.err.write("rcli: \(session.endpoint) is a cluster node; cluster mode is on (autocluster)\n")
            output.err.flush()
        }
    }
}
