import Foundation
import Testing

/// Ctrl-R / Ctrl-S history search in the shell (redis-cli 7.4), driven through tmux.
@Suite struct ReverseSearchTests {
    /// A shell on the fixture server with `lines` run (each waited for), its port, and a key prefix.
    private func shell(running lines: (String) -> [String]) throws -> (TmuxSession, String, String) {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port], environment: ["HOME": try scratchDirectory("home").path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        for (n, line) in lines(p).enumerated() {
            try shell.type(line)
            // Type only once the next prompt is up (typed earlier, the terminal echoes it first).
            try shell.wait(for: "prompt \(n + 2)") { Self.prompts($0, port) == n + 2 }
        }
        return (shell, port, p)
    }

    private static func prompts(_ screen: String, _ port: String) -> Int {
        screen.components(separatedBy: "127.0.0.1:\(port)>").count - 1
    }

    private static func lastLine(_ screen: String) -> String {
        String(screen.split(separator: "\n").last ?? "")
    }

    /// The row (from 0) of the last line with something on it.
    private static func lastRow(_ screen: String) -> Int {
        screen.split(separator: "\n", omittingEmptySubsequences: false).lastIndex { !$0.isEmpty } ?? -1
    }

    private func value(_ port: String, _ key: String) throws -> String {
        try redisCli(["-p", port, "get", key]).out
    }

    @Test func ctrlRFindsStepsOlderAndEnterRunsTheHit() throws {
        let (shell, port, p) = try shell { p in
            ["set \(p)k first", "set \(p)other x", "set \(p)k second", "hello 3 auth default \(p)wrong"]
        }
        defer { _ = try? redisCli(["-p", port, "del", p + "k", p + "other"]) }
        try shell.key("C-r")
        try shell.wait(for: "the search prompt") { Self.lastLine($0) == "(reverse-i-search):" }
        try shell.type("\(p)k ", enter: false)
        try shell.wait(for: "the newest hit") { Self.lastLine($0) == "(reverse-i-search): set \(p)k second" }
        // The term in bold, the cursor just after it.
        let styled = try shell.screen(escapes: true)
        #expect(styled.contains("set \u{1b}[1m\(p)k \u{1b}[0m"), "\(styled.debugDescription)")
        #expect(try shell.cursor() == (20 + 4 + p.count + 2, Self.lastRow(try shell.screen())))
        try shell.key("C-r")
        try shell.wait(for: "an older hit") { Self.lastLine($0) == "(reverse-i-search): set \(p)k first" }
        // Nothing older: the hit stays.
        try shell.key("C-r")
        usleep(200_000)
        #expect(Self.lastLine(try shell.screen()) == "(reverse-i-search): set \(p)k first")
        try shell.key("Enter")
        try shell.wait(for: "the hit run") { Self.prompts($0, port) == 6 }
        let screen = try shell.screen()
        #expect(screen.contains("127.0.0.1:\(port)> set \(p)k first\nOK\n"), "\(screen)")
        #expect(!screen.contains("i-search)"), "the search line is gone: \(screen)")
        #expect(try value(port, p + "k") == "first\n")

        // The in-memory history has the line with a password too (as redis-cli 7.4).
        try shell.key("C-r")
        try shell.type("\(p)wro", enter: false)
        try shell.wait(for: "the secret line") {
            Self.lastLine($0) == "(reverse-i-search): hello 3 auth default \(p)wrong"
        }
        // Forward: from the oldest entry.
        try shell.key("C-u")
        try shell.key("C-s")
        try shell.type("\(p)", enter: false)
        try shell.wait(for: "the oldest hit") { Self.lastLine($0) == "(i-search): set \(p)k first" }
        try shell.key("C-s")
        try shell.wait(for: "a newer hit") { Self.lastLine($0) == "(i-search): set \(p)other x" }
        // Back again: the prompt follows the direction.
        try shell.key("C-r")
        try shell.wait(for: "backward again") { Self.lastLine($0) == "(reverse-i-search): set \(p)k first" }

        // No hit: Enter runs the term itself, as redis-cli.
        try shell.key("C-u")
        try shell.type("echo \(p)nomatch", enter: false)
        try shell.wait(for: "no hit") { Self.lastLine($0) == "(reverse-i-search): echo \(p)nomatch" }
        try shell.key("Enter")
        try shell.wait(for: "\"\(p)nomatch\"")
    }

    @Test func tabArrowsAndCtrlAAcceptTheHitForEditing() throws {
        let (shell, port, p) = try shell { p in ["set \(p)a first", "set \(p)b x"] }
        defer { _ = try? redisCli(["-p", port, "del", p + "a", p + "b"]) }
        /// Ctrl-R `term`, which finds `hit`; `key` puts it in the line, where `typed` goes in at
        /// the cursor before Enter.
        func accept(_ term: String, finding hit: String, with key: String, thenType typed: String) throws {
            try shell.key("C-r")
            try shell.type(term, enter: false)
            try shell.wait(for: "the hit") { Self.lastLine($0) == "(reverse-i-search): " + hit }
            try shell.key(key)
            try shell.wait(for: "the hit in the line") { Self.lastLine($0).hasPrefix("127.0.0.1:\(port)> " + hit) }
            try shell.type(typed)
        }
        // Tab: the cursor at the end.
        try accept("\(p)b", finding: "set \(p)b x", with: "Tab", thenType: "yz")
        try shell.wait(for: "the edited line run") { Self.prompts($0, port) == 4 }
        #expect(try value(port, p + "b") == "xyz\n")
        // Left: the cursor one left of where it was shown (after the match).
        try accept("first", finding: "set \(p)a first", with: "Left", thenType: "Z")
        try shell.wait(for: "the edited line run") { Self.prompts($0, port) == 5 }
        #expect(try value(port, p + "a") == "firsZt\n")
        // Ctrl-A: the cursor at the start.
        try accept("firsZ", finding: "set \(p)a firsZt", with: "C-a", thenType: "echo ")
        try shell.wait(for: "wrong number of arguments for 'echo'")
    }

    @Test func ctrlGEscAndCtrlCGiveBackTheLineAsItWas() throws {
        let (shell, port, p) = try shell { p in ["echo \(p)one"] }
        try shell.type("get partial", enter: false)
        try shell.key("C-a")
        for cancel in ["C-g", "Escape", "C-c"] {
            try shell.key("C-r")
            try shell.type("one", enter: false)
            try shell.wait(for: "the hit") { Self.lastLine($0) == "(reverse-i-search): echo \(p)one" }
            try shell.key(cancel)
            try shell.wait(for: "the line back after \(cancel)") {
                Self.lastLine($0) == "127.0.0.1:\(port)> get partial"
            }
        }
        #expect(try shell.isAlive(), "Ctrl-C in a search must not end the shell")
        // The cursor is back at the start too.
        try shell.type("x")
        try shell.wait(for: "(error) ERR unknown command 'xget'")
    }

    @Test func wrappedAndUTF8LinesOnANarrowTerminal() throws {
        let long = String(repeating: "x", count: 70)
        let (shell, port, p) = try shell { p in ["echo \(p)\(long)é日本-tail"] }
        shell.resize(columns: 40)
        try shell.key("C-l")
        try shell.wait(for: "a cleared screen") { Self.prompts($0, port) == 1 }
        try shell.key("C-r")
        try shell.type("日本", enter: false)
        let entry = "(reverse-i-search): echo \(p)\(long)é日本-tail"
        // The line wraps at 40 columns (日 and 本 take two each).
        try shell.wait(for: "the wrapped hit") {
            $0.split(separator: "\n").joined().hasPrefix(entry) && $0.split(separator: "\n").count >= 3
        }
        // A step with nothing older and a backspace redraw in place: no copies left above.
        try shell.key("C-r")
        try shell.key("BSpace")
        try shell.type("本", enter: false)
        usleep(300_000)
        var screen = try shell.screen()
        #expect(screen.components(separatedBy: "(reverse-i-search)").count == 2, "\(screen)")
        #expect(!screen.contains("127.0.0.1:\(port)>"), "\(screen)")
        try shell.key("Enter")
        try shell.wait(for: "the reply") { Self.prompts($0, port) == 2 }
        screen = try shell.screen()
        #expect(!screen.contains("i-search)"), "\(screen)")
        // The line as run, then the reply (wrapped, the reply's bytes escaped as redis-cli does).
        let joined = screen.split(separator: "\n").joined()
        #expect(joined.contains("> echo \(p)\(long)é日本-tail"), "\(screen)")
        #expect(joined.contains("-tail\""), "\(screen)")
    }
}
