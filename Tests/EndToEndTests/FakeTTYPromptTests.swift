import Foundation
import Testing

/// redis-cli's test hook FAKETTY_WITH_PROMPT, as redis's own tests/integration/redis-cli.tcl
/// (7.4) drive it: stdin is a pipe whose bytes are keys (Enter is CR; Tcl's `puts` adds a LF
/// after each write, which must change nothing), TERM=dumb, FAKETTY=1 for terminal output.
@Suite struct FakeTTYPromptTests {
    /// rcli under the hook, written to as Tcl's `puts` does.
    final class Shell {
        let process: CoProcess
        let port: String
        let prompt: String

        init(environment: [String: String] = [:]) throws {
            port = try TestEnvironment.port()
            prompt = "127.0.0.1:\(port)> "
            let home = try scratchDirectory("home")
            process = try CoProcess(
                ["-p", port],
                environment: ["FAKETTY": "1", "FAKETTY_WITH_PROMPT": "1", "TERM": "dumb", "HOME": home.path]
                    .merging(environment) { $1 })
        }

        /// Writes `text`, then a LF unless `newline` is false.
        func puts(_ text: String, newline: Bool = true) {
            try? process.write(Data((text + (newline ? "\n" : "")).utf8))
        }

        /// What rcli writes until it has written `needle` (recording an issue if it does not).
        @discardableResult
        func expect(_ needle: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
            let text = process.readOutput(until: needle)
            #expect(
                text.contains(needle), "waited for \(needle.debugDescription) in \(text.debugDescription)",
                sourceLocation: sourceLocation)
            return text
        }

        /// Runs `line` (Enter as CR) and waits for the next prompt.
        @discardableResult
        func run(_ line: String, expecting reply: String, sourceLocation: SourceLocation = #_sourceLocation)
            -> String
        {
            puts(line + "\r")
            return expect(reply + "\n" + prompt, sourceLocation: sourceLocation)
        }
    }

    private static let bold = "\u{1b}[1m"
    private static let plain = "\u{1b}[0m"

    @Test func ctrlRAndCtrlSDrawTheHitAsRedisCli74() throws {
        let shell = try Shell()
        let p = uniquePrefix()
        #expect(shell.expect(shell.prompt) == shell.prompt, "the prompt first")
        shell.run("keys \(p)one", expecting: "(empty array)")
        shell.run("keys \(p)two", expecting: "(empty array)")
        shell.puts("\u{12}")
        shell.expect("(reverse-i-search): ")
        shell.puts("ey", newline: false)
        shell.expect("(reverse-i-search): \(Self.plain)k\(Self.bold)ey\(Self.plain)s \(p)two")
        // Ctrl-R again: the older hit; Ctrl-S: forward again, the prompt following.
        shell.puts("\u{12}")
        shell.expect("(reverse-i-search): \(Self.plain)k\(Self.bold)ey\(Self.plain)s \(p)one")
        shell.puts("\u{13}")
        shell.expect("(i-search): \(Self.plain)k\(Self.bold)ey\(Self.plain)s \(p)two")
        // Ctrl-G: the search closed, the prompt and the (empty) line back.
        shell.puts("\u{07}")
        shell.expect("\r\u{1b}[J" + shell.prompt)
        shell.run("echo \(p)after", expecting: "\"\(p)after\"")
        let end = shell.process.end(within: 10)
        #expect(end.ended && end.status == 0, "end of stdin ends the shell with 0: \(end)")
    }

    @Test func enterRunsTheHitAndNoHitRunsTheTerm() throws {
        let shell = try Shell()
        let p = uniquePrefix()
        let port = shell.port
        defer { _ = try? redisCli(["-p", port, "del", p + "blah"]) }
        shell.run("SET \(p)blah \"myvalue\"", expecting: "OK")
        shell.run("GET \(p)blah", expecting: "\"myvalue\"")
        shell.puts("\u{12}")
        shell.expect("(reverse-i-search): ")
        shell.puts("ET \(p)", newline: false)
        shell.expect("(reverse-i-search): \(Self.plain)G\(Self.bold)ET \(p)\(Self.plain)blah")
        shell.puts("\r")
        let ran = shell.expect("\"myvalue\"\n" + shell.prompt)
        // The search closed: the prompt and the line run, in one piece as linenoise draws them.
        #expect(ran.contains(shell.prompt + "GET \(p)blah\r"), "\(ran.debugDescription)")
        #expect(!ran.contains("i-search)"), "\(ran.debugDescription)")

        // Ctrl-R twice, then a term nothing matches: Enter runs the term itself (no codes around it).
        shell.puts("\u{12}")
        shell.puts("\u{12}")
        shell.expect("(reverse-i-search): ")
        let typed = shell.run("keys \"\(p)now\"", expecting: "(empty array)")
        #expect(typed.contains("(reverse-i-search): keys \"\(p)now\"\r"), "\(typed.debugDescription)")
        #expect(typed.contains(shell.prompt + "keys \"\(p)now\"\r"), "\(typed.debugDescription)")
    }

    @Test func arrowsAndTabLeaveTheSearchWithThePromptShown() throws {
        let shell = try Shell()
        let p = uniquePrefix()
        shell.expect(shell.prompt)
        shell.run("echo \(p)two", expecting: "\"\(p)two\"")
        for arrow in ["\u{1b}[A", "\u{1b}[B", "\u{1b}[C", "\u{1b}[D"] {
            shell.puts("\u{12}")
            shell.expect("(reverse-i-search): ")
            shell.puts(arrow)
            shell.expect("\r\u{1b}[J" + shell.prompt)
        }
        // Tab keeps the hit in the line; what is typed next shows with the prompt and the line.
        shell.puts("\u{12}")
        shell.puts("two", newline: false)
        shell.expect("(reverse-i-search): \(Self.plain)echo \(p)\(Self.bold)two\(Self.plain)")
        shell.puts("\t", newline: false)
        shell.expect(shell.prompt + "echo \(p)two")
        shell.puts("suffix", newline: false)
        shell.expect(shell.prompt + "echo \(p)twosuffix")
        let ran = shell.run("", expecting: "\"\(p)twosuffix\"")
        #expect(!ran.contains("i-search)"), "\(ran.debugDescription)")
    }

    @Test func plainKeysCompletionHistoryAndExit() throws {
        let shell = try Shell()
        let p = uniquePrefix()
        let port = shell.port
        defer { _ = try? redisCli(["-p", port, "del", p + "list"]) }
        shell.expect(shell.prompt)
        // Replies as on a terminal (FAKETTY).
        shell.run("rpush \(p)list a b", expecting: "(integer) 2")
        shell.run("lrange \(p)list 0 -1", expecting: "1) \"a\"\n2) \"b\"")
        // Tab completes a command name.
        shell.puts("HGETA", newline: false)
        shell.expect(shell.prompt + "HGETA")
        shell.puts("\t", newline: false)
        shell.expect(shell.prompt + "HGETALL ")
        shell.puts("\u{15}", newline: false)
        shell.expect("\r\u{1b}[J" + shell.prompt)
        // Up recalls the last line.
        shell.puts("\u{1b}[A")
        shell.expect(shell.prompt + "lrange \(p)list 0 -1")
        shell.run("", expecting: "1) \"a\"\n2) \"b\"")
        // A bare LF submits nothing: only the CR does.
        shell.puts("echo \(p)once\n")
        shell.puts("\r")
        let once = shell.expect("\"\(p)once\"\n" + shell.prompt)
        #expect(once.components(separatedBy: "\"\(p)once\"").count == 2, "\(once.debugDescription)")
        // No argument hints (dim text) under the hook, as redis-cli without a terminal.
        shell.puts("set ", newline: false)
        let typed = shell.expect(shell.prompt + "set ")
        #expect(!typed.contains("\u{1b}[2m"), "\(typed.debugDescription)")
        // Ctrl-D on an empty line ends the shell with 0.
        shell.puts("\u{15}\u{04}", newline: false)
        #expect(waitUntil(10) { !shell.process.isRunning }, "Ctrl-D ends the shell")
        let end = shell.process.end(within: 5)
        #expect(end.ended && end.status == 0, "\(end)")
    }

    /// Subscribed mode through the hook: redis-cli's banner (FAKETTY), messages, a key opening the
    /// prompt; end of stdin leaves the mode, then the shell.
    @Test func subscribedModeThroughTheHook() throws {
        let shell = try Shell()
        let p = uniquePrefix()
        let banner = "Reading messages... (press Ctrl-C to quit or any key to type command)\r"
        shell.expect(shell.prompt)
        shell.puts("subscribe \(p)ch\r")
        shell.expect("1) \"subscribe\"\n2) \"\(p)ch\"\n3) (integer) 1\n" + banner)
        _ = try redisCli(["-p", shell.port, "publish", p + "ch", "hello"])
        shell.expect("\u{1b}[K1) \"message\"\n2) \"\(p)ch\"\n3) \"hello\"\n" + banner)
        shell.puts("x", newline: false)
        shell.expect("127.0.0.1:\(shell.port)(subscribed mode)> x")
        shell.puts("\u{15}\r", newline: false)
        shell.expect(banner)
        let end = shell.process.end(within: 10)
        #expect(end.ended && end.status == 0, "\(end)")
    }
}
