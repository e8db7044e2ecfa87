import Foundation
import Testing

/// The interactive shell, driven through tmux.
@Suite struct ReplTests {
    private func home() throws -> URL {
        let dir = try scratchDirectory("home")
        return dir
    }

    @Test func promptDatabaseTransactionAndSecretFreeHistory() throws {
        let port = try TestEnvironment.port()
        let home = try home()
        let p = uniquePrefix()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("set \(p)k hello")
        try shell.wait(for: "OK")
        try shell.type("get \(p)k")
        try shell.wait(for: "\"hello\"")
        try shell.type("select 3")
        try shell.wait(for: "127.0.0.1:\(port)[3]> ")
        try shell.type("multi")
        try shell.wait(for: "127.0.0.1:\(port)[3](TX)> ")
        try shell.type("discard")
        try shell.type("AUTH default topsecret")
        try shell.wait(for: "[3]> AUTH default topsecret")
        try shell.type("config set masterauth hunter2")
        try shell.type("hello 3 auth default hunter3")
        // As redis-cli 7.4: recalled in the session (Up), never written to the file.
        try shell.key("Up")
        try shell.wait(for: "the HELLO line recalled") {
            // (the dimmed argument hint may follow the recalled line)
            $0.split(separator: "\n").last?.contains("]> hello 3 auth default hunter3") == true
        }
        try shell.key("C-u")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
        let historyURL = home.appendingPathComponent(".rcli_history")
        let history = try String(contentsOf: historyURL, encoding: .utf8)
        #expect(
            history == "set \(p)k hello\nget \(p)k\nselect 3\nmulti\ndiscard\nquit\n",
            "plain lines, as redis-cli writes them: \(history)")
        for secret in ["topsecret", "hunter2", "hunter3"] { #expect(!history.contains(secret)) }
        let mode = try FileManager.default.attributesOfItem(atPath: historyURL.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func ctrlCCancelsABlockingCommandAndKeepsTheSession() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "-n", "2"], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)[2]> ")
        try shell.type("blpop \(p)nothing 0")
        usleep(300_000)
        try shell.key("C-c")
        try shell.wait(for: "a fresh prompt after Ctrl-C") {
            $0.components(separatedBy: "127.0.0.1:\(port)[2]>").count >= 3
        }
        #expect(try shell.isAlive(), "Ctrl-C must not end the shell")
        try shell.type("set \(p)after 1")
        try shell.wait(for: "OK")
        // The reconnect kept database 2.
        let check = try redisCli(["-p", port, "-n", "2", "get", p + "after"])
        #expect(check.out == "1\n")
        // Ctrl-C at the prompt abandons the line; Ctrl-D ends the shell.
        try shell.type("get something", enter: false)
        try shell.key("C-c")
        try shell.key("C-d")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
    }

    @Test func tabCompletesCommandsInTheCaseTyped() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("HGETA", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "> HGETALL")
        try shell.key("C-c")
        // Type only once the new prompt is up (typed earlier, the terminal echoes it first).
        try shell.wait(for: "a fresh prompt") { $0.components(separatedBy: "127.0.0.1:\(port)>").count == 3 }
        try shell.type("config res", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "config resetstat")
    }

    @Test func helpComesFromTheServer() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("help set")
        try shell.wait(for: "summary: Set the string value of a key")
        let screen = try shell.wait(for: "group: string")
        #expect(screen.contains("SET key value [NX|XX] [GET]"))
        try shell.type("help gett")
        try shell.wait(for: "Did you mean: get")
        try shell.type("hgetal h")
        try shell.wait(for: "(error) ERR unknown command 'hgetal'")
        try shell.wait(for: "(did you mean 'hget' or 'hgetall'?)")
    }

    @Test func aCorruptHistoryFileIsNeverOverwritten() throws {
        let port = try TestEnvironment.port()
        let home = try home()
        let historyURL = home.appendingPathComponent(".rcli_history")
        let original = Data([0x00, 0xff, 0x01] + Array("not a history file\n".utf8))
        try original.write(to: historyURL)
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path])
        try shell.wait(for: "history will not be saved")
        try shell.type("ping")
        try shell.wait(for: "PONG")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
        #expect(try Data(contentsOf: historyURL) == original)

        // A directory where the history file should be: no crash, a warning, commands work.
        let dirHome = try self.home()
        try FileManager.default.createDirectory(
            at: dirHome.appendingPathComponent(".rcli_history"), withIntermediateDirectories: true)
        let shell2 = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": dirHome.path])
        try shell2.wait(for: "127.0.0.1:\(port)> ")
        try shell2.type("ping")
        try shell2.wait(for: "PONG")
    }

    @Test func notConnectedPromptAndConnect() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", "1"], environment: ["HOME": try home().path])
        try shell.wait(for: "Could not connect to Redis at 127.0.0.1:1: Connection refused")
        try shell.wait(for: "not connected> ")
        try shell.type("connect 127.0.0.1 \(port)")
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("ping")
        try shell.wait(for: "PONG")
    }

    @Test func reconnectRestoresDatabaseNameAndCredentials() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let p = uniquePrefix()
        let name = "rcli-\(UUID().uuidString.prefix(8))"
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "--user", "alice", "--pass", "wonderland", "--no-auth-warning"],
            environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("client setname \(name)")
        try shell.type("select 4")
        try shell.wait(for: "127.0.0.1:\(port)[4]> ")
        // Kill the shell's connection from outside while it is idle.
        let list = try redisCli(["-p", port, "-a", "s3cret", "--no-auth-warning", "client", "list"])
        let line = try #require(list.out.split(separator: "\n").first { $0.contains("name=\(name) ") })
        let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }).dropFirst(3)
        let killed = try redisCli(["-p", port, "-a", "s3cret", "--no-auth-warning", "client", "kill", "id", String(id)])
        #expect(killed.out == "1\n")
        try shell.type("set \(p)k v")
        try shell.wait(for: "OK")
        try shell.type("client getname")
        try shell.wait(for: "\"\(name)\"")
        let check = try redisCli(["-p", port, "-a", "s3cret", "--no-auth-warning", "-n", "4", "get", p + "k"])
        #expect(check.out == "v\n", "the reconnect must keep database 4 and alice's credentials")
        #expect(
            !(try shell.screen()).contains("Server closed the connection"),
            "an idle close loses nothing and needs no message")
    }

    @Test func hintsShowTheRemainingArguments() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("hset h f ", enter: false)
        try shell.wait(for: "hset h f value [field value ...]")
        try shell.key("C-c")
        try shell.type("config get ", enter: false)
        try shell.wait(for: "config get parameter [parameter ...]")
        try shell.key("C-c")
        // Argument-aware (redis-cli 7.2): only what is still to type, after a started token too.
        try shell.type("set k v EX 10 ", enter: false)
        try shell.wait(for: "set k v EX 10 [NX|XX] [GET]")
        try shell.key("C-c")
        try shell.type("xrange k 4 2 COU", enter: false)
        try shell.wait(for: "xrange k 4 2 COU [COUNT count]")
        try shell.key("C-c")
        try shell.type(":set nohints")
        try shell.type("hset h f ", enter: false)
        usleep(300_000)
        #expect(!(try shell.screen()).contains("value [field value ...]"))
    }

    @Test func helpAndHintsFallBackToTheCommittedTable() throws {
        // An ACL user who may not run COMMAND still gets help and hints.
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "--user", "nocmd", "--pass", "pw", "--no-auth-warning"],
            environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("command docs get")
        try shell.wait(for: "NOPERM")
        try shell.type("help lpush")
        try shell.wait(for: "summary: Prepends one or more elements to a list")
        try shell.type("lpush k ", enter: false)
        try shell.wait(for: "lpush k element [element ...]")
    }

    @Test func historyIsRecalledInTheNextSessionAndEditrcIsRead() throws {
        let port = try TestEnvironment.port()
        let home = try home()
        let first = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path])
        try first.wait(for: "127.0.0.1:\(port)> ")
        try first.type("echo from-the-first-session")
        try first.wait(for: "\"from-the-first-session\"")
        try first.type("quit")
        try first.wait(for: "shell exit") { _ in (try? first.isAlive()) == false }

        // vi keys from ~/.editrc; Up (k in vi command mode) recalls the previous session's line.
        try "bind -v\n".write(to: home.appendingPathComponent(".editrc"), atomically: true, encoding: .utf8)
        let second = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path])
        try second.wait(for: "127.0.0.1:\(port)> ")
        try second.key("Escape")
        try second.type("k", enter: false)
        try second.wait(for: "> quit")
        try second.type("k", enter: false)
        try second.wait(for: "> echo from-the-first-session")
        second.resize(columns: 50)
        try second.key("Enter")
        try second.wait(for: "shell answer") { $0.components(separatedBy: "\"from-the-first-session\"").count >= 2 }
    }

    /// A history file shared with redis-cli (REDISCLI_HISTFILE): rcli reads its plain lines, and a
    /// file libedit wrote (rcli before) is read once and rewritten plain.
    @Test func historySharedWithRedisCliStaysPlain() throws {
        let port = try TestEnvironment.port()
        let home = try home()
        let file = home.appendingPathComponent("shared_history")
        try "_HiStOrY_V2_\nset\\040a\\040\\\\x\nget\\040a\n".write(to: file, atomically: true, encoding: .utf8)
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path, "REDISCLI_HISTFILE": file.path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        #expect(
            try String(contentsOf: file, encoding: .utf8) == "set a \\x\nget a\n",
            "converted when read, before any command")
        try shell.key("Up")
        try shell.wait(for: "> get a")
        try shell.key("C-u")
        try shell.type("echo shared")
        try shell.wait(for: "\"shared\"")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
        #expect(try String(contentsOf: file, encoding: .utf8) == "set a \\x\nget a\necho shared\nquit\n")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aLargePastedLineArrivesIntact() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        shell.paste("set \(p)big " + String(repeating: "0123456789", count: 20_000) + "\n")
        try shell.type("echo paste-done")
        try shell.wait(for: "\"paste-done\"", timeout: 60)
        #expect(try redisCli(["-p", port, "strlen", p + "big"]).out == "200000\n")
    }

    /// Ctrl and Alt arrows jump words (redis-cli 8.4) instead of leaving ";5D" in the line.
    @Test func ctrlAndAltArrowsJumpWords() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("echo aaa bbb", enter: false)
        try shell.key("C-Left")
        try shell.type("X", enter: false)
        try shell.wait(for: "> echo aaa Xbbb")
        try shell.key("C-a")
        try shell.key("C-Right")
        try shell.type("Y", enter: false)
        try shell.wait(for: "> echoY aaa Xbbb")
        try shell.key("M-Right")
        try shell.key("M-Left")
        try shell.type("Z", enter: false)
        try shell.wait(for: "> echoY Zaaa Xbbb")
        #expect(!(try shell.screen()).contains(";5"))
        #expect(!(try shell.screen()).contains(";3"))
    }

    /// A paste long enough for the one-insertion path is shown whole before Enter, after text
    /// already typed and on a line that wraps.
    @Test func aPastedRunIsShownWhole() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home().path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        shell.resize(columns: 60)
        try shell.type("echo typed-", enter: false)
        let pasted = String(repeating: "0123456789", count: 9) + "END"
        shell.paste(pasted)
        try shell.wait(for: "the whole paste on the screen") {
            $0.replacingOccurrences(of: "\n", with: "").contains("127.0.0.1:\(port)> echo typed-" + pasted)
        }
        try shell.key("Enter")
        try shell.wait(for: "the reply") { $0.replacingOccurrences(of: "\n", with: "").contains("\"typed-\(pasted)\"") }
    }
}
