import Foundation
import Testing

/// `--eval <file> --ldb` / `--ldb-sync-mode` against redis-cli 7.0 on the same server: the same
/// lines for the same debugger input piped in (banner, stops, the script's reply, the end).
@Suite(.serialized) struct LuaDebuggerTests {
    static let script = """
        local a = 1
        redis.call('SET', KEYS[1], ARGV[1])
        redis.debug('hello', a)
        return {a, 'x'}
        """
    /// Colours off, whatever the runner's terminal.
    static let plain = ["TERM": "dumb"]

    /// A scratch file holding `text`.
    private func file(_ text: String) throws -> URL {
        let url = try scratchDirectory("ldb").appendingPathComponent("script.lua")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The key the script sets, removed before each of the two runs.
    private func sameAsRedisCli(
        _ options: [String], input: String, environment: [String: String] = plain, key: String = uniquePrefix() + "k",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let path = try file(Self.script).path
        try expectSameAsRedisCli(
            options + ["--eval", path, key, ",", "value"], stdin: input, environment: environment,
            reset: { try seed([["del", key]]) }, sourceLocation: sourceLocation)
    }

    @Test func steppedSessionIsRedisClis() throws {
        try sameAsRedisCli(["--ldb"], input: "s\ns\nc\n")
        try sameAsRedisCli(["--ldb-sync-mode"], input: "s\ns\nc\n")
        // Repeat prefix, eval of a line, unknown commands, the server's help, blank lines, the shell's
        // `:` commands, unbalanced quotes.
        try sameAsRedisCli(
            ["--ldb"],
            input: "2 s\ne redis.call('get', KEYS[1])\neval  return 1 + 1\nfoo\n\n   \nhelp\np\n"
                + ":set hints\n:set x\n:foo\nb \"1\nc\n")
    }

    @Test func coloursOnAnXterm() throws {
        // redis-cli colours whenever TERM says xterm; rcli only on a terminal (FAKETTY stands for one).
        let key = uniquePrefix() + "k"
        let path = try file(Self.script).path
        let port = try TestEnvironment.port()
        let args = ["-p", port, "--ldb", "--eval", path, key, ",", "v"]
        try seed([["del", key]])
        let ours = try rcli(args, stdin: "s\ns\nc\n", environment: ["TERM": "xterm-256color", "FAKETTY": "1"])
        try seed([["del", key]])
        let theirs = try redisCli(args, stdin: "s\ns\nc\n", environment: ["TERM": "xterm-256color"])
        #expect(ours.out == theirs.out)
        #expect(ours.out.contains("\u{1b}[0;33;49m-> 2   redis.call('SET', KEYS[1], ARGV[1])\u{1b}[0m\n"))
        #expect(ours.out.contains("\u{1b}[0;32;49m<redis> SET \(key) v\u{1b}[0m\n"))
        let piped = try rcli(args, stdin: "c\n", environment: ["TERM": "xterm"])
        #expect(!piped.out.contains("\u{1b}["), "no colours into a pipe")
    }

    @Test func forkedRollsBackSyncKeeps() throws {
        let key = uniquePrefix() + "k"
        let path = try file(Self.script).path
        let port = try TestEnvironment.port()
        let forked = try rcli(
            ["-p", port, "--ldb", "--eval", path, key, ",", "v1"], stdin: "c\n", environment: Self.plain)
        #expect(forked.status == 0)
        #expect(forked.out.hasSuffix("\n(Lua debugging session ended -- dataset changes rolled back)\n\n"))
        #expect(try redisCli(["-p", port, "exists", key]).out == "0\n")
        let sync = try rcli(
            ["-p", port, "--ldb-sync-mode", "--eval", path, key, ",", "v2"], stdin: "c\n", environment: Self.plain)
        #expect(sync.status == 0)
        #expect(sync.out.hasSuffix("1) (integer) 1\n2) \"x\"\n\n(Lua debugging session ended)\n\n"))
        #expect(try redisCli(["-p", port, "get", key]).out == "v2\n")
        try seed([["del", key]])
    }

    @Test func shellCarriesOnAfterTheSession() throws {
        // The rest of stdin runs as commands, replies in the human format (as redis-cli).
        let key = uniquePrefix() + "k"
        try sameAsRedisCli(["--ldb-sync-mode"], input: "c\nget \(key)\nappend \(key) more\n", key: key)
        // A forked session's connection is gone with the server's child: a new one is made.
        try sameAsRedisCli(["--ldb"], input: "c\nping\n")
    }

    @Test func compileErrorQuitAndRestart() throws {
        let bad = try file("return (\n").path
        try expectSameAsRedisCli(["--ldb", "--eval", bad], stdin: "c\n", environment: Self.plain)
        let r = try rcli(["-p", try TestEnvironment.port(), "--ldb", "--eval", bad], environment: Self.plain)
        #expect(r.out.contains("\nEval debugging session can't start:\n(error) ERR Error compiling script"))
        // quit ends at once (the rest of the input is never read), status 0.
        try sameAsRedisCli(["--ldb"], input: "s\nquit\nc\n")
        try sameAsRedisCli(["--ldb"], input: "s\nexit\n")
        // End of input in a session: status 0.
        try sameAsRedisCli(["--ldb"], input: "s\n")
        // restart: a new connection, the file read again, the banner again.
        try sameAsRedisCli(["--ldb"], input: "s\ns\nrestart\nc\n")
        try sameAsRedisCli(["--ldb-sync-mode"], input: "restart\ns\nc\n")
    }

    @Test func restartRereadsTheFile() throws {
        let key = uniquePrefix() + "k"
        let url = try file("local a = 1\nreturn 1\n")
        let port = try TestEnvironment.port()
        let process = try CoProcess(["-p", port, "--ldb", "--eval", url.path, key], environment: Self.plain)
        // The banner and the first stop: the file has been read.
        #expect(process.send("", expecting: 7).last == "-> 1   local a = 1")
        try Data("local a = 1\nreturn 2\n".utf8).write(to: url)
        _ = process.send("restart", expecting: 0)
        _ = process.send("c", expecting: 0)
        let end = process.end(within: 10)
        #expect(end.ended && end.status == 0)
        #expect(end.out.hasPrefix("\nLua debugging session started, please use:\n"), "\(end.out)")
        #expect(end.out.hasSuffix("\n(integer) 2\n\n(Lua debugging session ended -- dataset changes rolled back)\n\n"))
    }

    @Test func badInput() throws {
        let port = try TestEnvironment.port()
        for args in [["--ldb"], ["--ldb-sync-mode", "ping"], ["--ldb", "ping"]] {
            let ours = try rcli(["-p", port] + args)
            let theirs = try redisCli(["-p", port] + args)
            #expect(ours.status == 1 && theirs.status == 1)
            #expect(
                ours.err == "Options --ldb and --ldb-sync-mode require --eval.\nTry rcli --help for more information.\n"
            )
            #expect(ours.err == theirs.err.replacingOccurrences(of: "/usr/bin/redis-cli", with: "rcli"))
            #expect(ours.stdout.isEmpty)
        }
        // No server: nothing but the error.
        let args = ["-p", "1", "--ldb", "--eval", "/nonexistent/x.lua"]
        let (ours, theirs) = (try rcli(args), try redisCli(args))
        #expect(ours.status == 1 && ours.out.isEmpty && ours.err == theirs.err && ours.status == theirs.status)
        // Banner first, then the file that cannot be read: both as redis-cli, status 1.
        try expectSameAsRedisCli(["--ldb", "--eval", "/nonexistent/x.lua"], stdin: "c\n")
    }

    @Test func promptOnATerminal() throws {
        let key = uniquePrefix() + "k"
        let path = try file(Self.script).path
        let port = try TestEnvironment.port()
        let home = try scratchDirectory("ldbhome")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "--ldb-sync-mode", "--eval", path, key, ",", "tty"],
            environment: ["HOME": home.path])
        try shell.wait(for: "-> 1   local a = 1")
        try shell.wait(for: "lua debugger> ")
        try shell.type("s")
        try shell.wait(for: "-> 2   redis.call('SET', KEYS[1], ARGV[1])")
        try shell.type("c")
        try shell.wait(for: "(Lua debugging session ended)")
        // The normal shell follows, on the same connection.
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("get \(key)")
        try shell.wait(for: "\"tty\"")
        // `restart` in that shell starts a new round (redis-cli's), the file read again.
        try shell.type("restart")
        try shell.wait(for: "two sessions started") {
            $0.components(separatedBy: "Lua debugging session started").count == 3
        }
        try shell.wait(for: "lua debugger> ")
        try shell.type("c")
        try shell.wait(for: "two sessions ended") {
            $0.components(separatedBy: "(Lua debugging session ended)").count == 3
        }
        try shell.type("quit")
        try seed([["del", key]])
    }

    /// Without a debugging session, `restart` is redis-cli's one line, not sent to the server.
    @Test func restartOutsideADebuggingSession() throws {
        let port = try TestEnvironment.port()
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port], environment: ["HOME": try scratchDirectory("home").path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("restart")
        try shell.wait(for: "Use 'restart' only in Lua debugging mode.")
        #expect(!(try shell.screen()).contains("unknown command"))
    }
}
