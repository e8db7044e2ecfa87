import Foundation
import Testing

/// `command | shell command` in the shell, driven through tmux against a real server: the reply
/// goes to /bin/sh formatted as for a pipe, Ctrl-C stops the shell command and not rcli, a reader
/// that stops early is no trouble, and outside the shell `|` stays an argument.
@Suite struct ShellPipeTests {
    private func home() throws -> URL { try scratchDirectory("home") }

    /// Lines of the screen after the last one containing `marker`.
    private func lines(after marker: String, in screen: String) -> [String] {
        let all = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = all.lastIndex(where: { $0.contains(marker) }) else { return [] }
        return Array(all[(start + 1)...])
    }

    @Test func repliesGoToTheShellCommandRawAndTheLineIsKept() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let home = try home()
        _ = try redisCli(["-p", port, "rpush", p + "l"] + (1...1000).map { "x\($0)" })
        _ = try redisCli(["-p", port, "hset", p + "h", "b", "2", "a", "1"])
        // Well over a pipe's buffer, so a reader that stops early leaves rcli writing to nothing.
        _ = try redisCli([
            "-p", port, "eval", "for i=1,30000 do redis.call('rpush', KEYS[1], 'element-' .. i) end", "1", p + "big",
        ])
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path])
        let prompt = "127.0.0.1:\(port)> "
        try shell.wait(for: prompt)
        try shell.type("lrange \(p)l 0 -1 | grep 99")
        let grep = try shell.wait(for: "the grep's lines, then the prompt") {
            lines(after: "| grep 99", in: $0).prefix(20) == [
                "x99", "x199", "x299", "x399", "x499", "x599", "x699", "x799", "x899", "x990", "x991", "x992", "x993",
                "x994", "x995", "x996", "x997", "x998", "x999", prompt.trimmingCharacters(in: .whitespaces),
            ]
        }
        #expect(!grep.contains("\"x99\""), "raw, as for a pipe: no quotes, no numbers")
        try shell.type("clear")
        try shell.type("lrange \(p)l 0 -1 | wc -l")
        try shell.wait(for: "wc counting 1000 lines") {
            lines(after: "| wc -l", in: $0).first?.trimmingCharacters(in: .whitespaces) == "1000"
        }
        try shell.type("clear")
        try shell.type("lrange \(p)big 0 -1 | head -1")
        let head = try shell.wait(for: "head's line and the prompt") {
            lines(after: "| head -1", in: $0).prefix(2) == ["element-1", prompt.trimmingCharacters(in: .whitespaces)]
        }
        for noise in ["Broken pipe", "rror", "EPIPE"] { #expect(!head.contains(noise), "\(head)") }
        #expect(try shell.isAlive())
        // The connection is still good, and the shell command's exit status is not rcli's.
        try shell.type("get \(p)nothing | grep anything")
        try shell.type("ping")
        try shell.wait(for: "PONG")
        // Redirections are the shell's.
        let file = home.appendingPathComponent("h.txt").path
        try shell.type("hgetall \(p)h | sort > \(file)")
        #expect(waitUntil(5) { (try? String(contentsOfFile: file, encoding: .utf8)) == "1\n2\na\nb\n" })

        // A quoted bar is data; a bar with nothing after it is an error line and nothing is sent.
        try shell.type("clear")
        try shell.type("rpush \(p)q a \"|\" '|' b")
        try shell.wait(for: "(integer) 4")
        #expect(try redisCli(["-p", port, "lrange", p + "q", "0", "-1"]).out == "a\n|\n|\nb\n")
        try shell.type("set \(p)unsent 1 |")
        try shell.wait(for: "rcli: nothing after '|'")
        try shell.type("| grep x")
        try shell.wait(for: "rcli: nothing before '|'")
        #expect(try redisCli(["-p", port, "exists", p + "unsent"]).out == "0\n")
        // A command that streams until Ctrl-C is not run for a pipe.
        try shell.type("monitor | cat")
        try shell.wait(for: "rcli: MONITOR streams until Ctrl-C")
        try shell.type("echo after")
        try shell.wait(for: "\"after\"")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
        // History keeps the whole line.
        let history = try String(contentsOf: home.appendingPathComponent(".rcli_history"), encoding: .utf8)
        #expect(history.contains("lrange \(p)l 0 -1 | grep 99\n"), "\(history)")
        _ = try redisCli(["-p", port, "del", p + "l", p + "h", p + "big", p + "q"])
    }

    @Test func ctrlCStopsTheShellCommandAndTheSessionGoesOn() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        _ = try redisCli(["-p", port, "set", p + "k", "v"])
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "-n", "3"], environment: ["HOME": try home().path])
        let prompt = "127.0.0.1:\(port)[3]>"
        try shell.wait(for: prompt)
        // A duration no other process on the machine is likely to sleep for.
        let sleeper = "sleep 31.\(Int.random(in: 100...999))"
        try shell.type("get \(p)k | \(sleeper)")
        let running = waitUntil(5) { processes(matching: sleeper) > 0 }
        #expect(running, "the shell command runs")
        usleep(200_000)
        let pressed = Date()
        try shell.key("C-c")
        try shell.wait(for: "the prompt back", timeout: 3) { $0.components(separatedBy: prompt).count == 3 }
        #expect(Date().timeIntervalSince(pressed) < 1.0, "back within a second")
        #expect(waitUntil(2) { processes(matching: sleeper) == 0 }, "the shell command is gone")
        #expect(try shell.isAlive(), "Ctrl-C must not end rcli")
        // The connection (and its database) is kept: the next command works.
        try shell.type("set \(p)after 1")
        try shell.wait(for: "OK")
        #expect(try redisCli(["-p", port, "-n", "3", "get", p + "after"]).out == "1\n")
        // The shell command is the terminal's foreground job: it may read keys (as `| less` does).
        try shell.type("get \(p)k | { cat; read line < /dev/tty; echo \"typed-$line\"; }")
        try shell.wait(for: "v")
        usleep(300_000)
        try shell.type("hello")
        try shell.wait(for: "typed-hello")
        try shell.wait(for: "the prompt after it") { $0.components(separatedBy: prompt).count == 5 }
        // Ctrl-C while the command itself blocks cancels it as usual; nothing is piped.
        try shell.type("blpop \(p)nothing 0 | cat")
        usleep(300_000)
        try shell.key("C-c")
        try shell.wait(for: "a fresh prompt") { $0.components(separatedBy: prompt).count == 6 }
        try shell.type("ping | cat")
        try shell.wait(for: "PONG")
        _ = try redisCli(["-p", port, "del", p + "k"])
        _ = try redisCli(["-p", port, "-n", "3", "del", p + "after"])
    }

    @Test func theSessionFormatIsKeptAndScriptsSendTheBar() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        _ = try redisCli(["-p", port, "rpush", p + "l", "a", "b", "c"])
        for (flag, expected) in [
            ("--csv", ["\"a\",\"b\",\"c\""]), ("--no-raw", ["1) \"a\"", "2) \"b\"", "3) \"c\""]),
            ("--json", ["[\"a\",\"b\",\"c\"]"]),
        ] {
            let shell = try TmuxSession(
                [TestEnvironment.rcli, "-p", port, flag], environment: ["HOME": try home().path])
            try shell.wait(for: "127.0.0.1:\(port)> ")
            try shell.type("lrange \(p)l 0 -1 | cat")
            try shell.wait(for: "\(flag): the session's format through the pipe") {
                Array(lines(after: "| cat", in: $0).prefix(expected.count)) == expected
            }
            // The same as a one-shot command writes to a pipe.
            #expect(
                try rcli(["-p", port, flag, "lrange", p + "l", "0", "-1"]).out == expected.map { $0 + "\n" }.joined())
        }
        // Scripts, piped input and one-shot commands send `|` as an argument.
        #expect(try rcli(["-p", port], stdin: "rpush \(p)s x | cat\n").out == "3\n")
        #expect(try rcli(["-p", port, "rpush", p + "s", "|"]).out == "4\n")
        #expect(try redisCli(["-p", port, "lrange", p + "s", "0", "-1"]).out == "x\n|\ncat\n|\n")
        _ = try redisCli(["-p", port, "del", p + "l", p + "s"])
    }
}

/// How many processes have exactly `commandLine` as their command line (words joined by spaces).
func processes(matching commandLine: String) -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { Int($0) != nil }.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return words.joined(separator: " ") == commandLine
    }.count
}
