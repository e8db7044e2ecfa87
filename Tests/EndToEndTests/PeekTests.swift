import Cluster
import Foundation
import Testing

/// `peek <key>` in the shell, driven through tmux against real servers: every type, the caps,
/// TTL, a missing key, the usage, and with -c the key's node.
@Suite struct PeekTests {
    private func home() throws -> String { try scratchDirectory("home").path }

    /// The screen's lines after the last one containing `marker`, up to the next prompt.
    static func report(after marker: String, in screen: String) -> [String] {
        let all = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = all.lastIndex(where: { $0.contains(marker) }) else { return [] }
        return Array(all[(start + 1)...].prefix { !$0.hasSuffix(">") && !$0.hasSuffix("> ") })
    }

    @Test func everyTypeWithItsFactsAndCappedValue() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        _ = try redisCli(["-p", port, "rpush", p + "list"] + (0..<1000).map { "e\($0)" })
        _ = try redisCli(["-p", port, "set", p + "str", "hello", "EX", "3600"])
        _ = try redisCli(["-p", port, "hset", p + "hash", "f", "v"])
        _ = try redisCli(["-p", port, "sadd", p + "set", "m"])
        _ = try redisCli(["-p", port, "zadd", p + "zset", "1.5", "z"])
        _ = try redisCli(["-p", port, "xadd", p + "stream", "1-1", "field", "value"])
        _ = try redisCli(["-p", port, "set", p + "long", String(repeating: "y", count: 20_000)])
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home()])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        func peek(_ key: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            try shell.type("clear")
            try shell.type("peek \(key)")
            // (capture-pane drops a line's trailing blanks)
            let marker = "> peek" + (key.isEmpty ? "" : " " + key)
            try shell.wait(for: "peek \(key)", sourceLocation: sourceLocation) {
                Self.report(after: marker, in: $0) == expected
            }
        }
        var list = [
            "type:     list", "encoding: quicklist", "ttl:      none",
        ]
        // 50 rows: a report of 108 lines scrolls, so its end and its start are looked at apart.
        try shell.type("peek \(p)list | tail -3")
        try shell.wait(for: "the list's value, capped") {
            Self.report(after: "| tail -3", in: $0) == [" 99) \"e98\"", "100) \"e99\"", "... 900 more elements"]
        }
        #expect(!(try shell.screen()).contains("101)"))
        try shell.type("clear")
        try shell.type("peek \(p)list | head -6")
        list += [try #require(try Self.memoryLine(shell)), "length:   1,000 elements", "value:"]
        try shell.wait(for: "the list's facts") { Self.report(after: "| head -6", in: $0) == list }

        try shell.type("clear")
        try shell.type("peek \(p)str")
        let str = try shell.wait(for: "the string's report") { Self.report(after: "> peek \(p)str", in: $0).count == 7 }
        let strLines = Self.report(after: "> peek \(p)str", in: str)
        #expect(strLines[0] == "type:     string" && strLines[1] == "encoding: embstr")
        #expect(strLines[2] == "ttl:      59m 59s" || strLines[2] == "ttl:      1h 0m 0s", "\(strLines[2])")
        #expect(strLines[3].hasPrefix("memory:   ") && strLines[3].hasSuffix(" bytes"))
        #expect(Array(strLines.suffix(3)) == ["length:   5 bytes", "value:", "\"hello\""])

        try shell.type("clear")
        try shell.type("peek \(p)long | tail -1")
        try shell.wait(for: "the rest of a long string") {
            Self.report(after: "| tail -1", in: $0) == ["... 15.5 KB more"]
        }
        try peek(
            p + "hash",
            [
                "type:     hash", "encoding: listpack", "ttl:      none",
                try #require(try Self.memoryLine(port, p + "hash")), "length:   1 field", "value:", "1# \"f\" => \"v\"",
            ])
        try peek(
            p + "set",
            [
                "type:     set", try #require(try Self.encodingLine(port, p + "set")), "ttl:      none",
                try #require(try Self.memoryLine(port, p + "set")), "length:   1 element", "value:", "1) \"m\"",
            ])
        try peek(
            p + "zset",
            [
                "type:     zset", "encoding: listpack", "ttl:      none",
                try #require(try Self.memoryLine(port, p + "zset")), "length:   1 element", "value:",
                "1# \"z\" => \"1.5\"",
            ])
        try peek(
            p + "stream",
            [
                "type:     stream", "encoding: stream", "ttl:      none",
                try #require(try Self.memoryLine(port, p + "stream")), "length:   1 entry", "value:", "1) 1) \"1-1\"",
                "   2) 1) \"field\"", "      2) \"value\"",
            ])
        try peek(p + "missing", ["(no such key: \"\(p)missing\")"])
        try peek(
            "", ["usage: peek <key> (rcli's own: a key's type, encoding, TTL, memory, length and value; nothing sent)"])
        try peek(
            "a b",
            ["usage: peek <key> (rcli's own: a key's type, encoding, TTL, memory, length and value; nothing sent)"])
        try shell.type("clear")
        try shell.type("help")
        try shell.wait(for: "\"peek <key>\" a key's type")
        try shell.type("clear")
        try shell.type("help peek")
        try shell.wait(for: "summary: rcli's own: the key's type, encoding, TTL, memory and length")
        try shell.type("help pipe")
        try shell.wait(for: "command [arg ...] | shell command")
        _ = try redisCli(
            ["-p", port, "del"] + ["list", "str", "hash", "set", "zset", "stream", "long"].map { p + $0 })
    }

    /// The memory line for `key` as MEMORY USAGE says now (humanised as peek does).
    static func memoryLine(_ port: String, _ key: String) throws -> String? {
        guard
            let bytes = Int(
                try redisCli(["-p", port, "memory", "usage", key]).out.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return "memory:   " + humanBytes(bytes)
    }

    /// The list's memory line as shown on the screen (its exact value varies by server).
    static func memoryLine(_ shell: TmuxSession) throws -> String? {
        let screen = try shell.wait(for: "a memory line") { $0.contains("memory:   ") }
        return screen.split(separator: "\n").map(String.init).first { $0.hasPrefix("memory:   ") }
    }

    static func encodingLine(_ port: String, _ key: String) throws -> String? {
        let answer = try redisCli(["-p", port, "object", "encoding", key]).out
        return "encoding: " + answer.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func humanBytes(_ n: Int) -> String {
        if n < 1024 { return n == 1 ? "1 byte" : "\(n) bytes" }
        let tenths = (n * 10 + 512) / 1024
        return "\(tenths / 10).\(tenths % 10) KB"
    }
}

extension ClusterFixtureTests {
    /// With -c, peek asks the key's node: its queries are routed by the key (a key on another
    /// master than the one the shell started on).
    @Test func peekRunsOnTheKeysNode() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let seed = "127.0.0.1:\(ports[0])"
        let key = try Self.key(
            "\(p)k",
            notOn: try { () throws -> String in
                for i in 0..<1000 where try Self.owner("\(p)s\(i)").description == seed { return "\(p)s\(i)" }
                throw TestEnvironment.FixtureMissing()
            }())
        #expect(try Self.owner(key).description != seed)
        _ = try rcli(["-c", "-p", ports[0], "rpush", key] + (0..<150).map { "v\($0)" })
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", ports[0]], environment: ["HOME": try scratchDirectory("home").path])
        try shell.wait(for: "\(seed)> ")
        try shell.type("peek \(key) | head -5")
        try shell.wait(for: "the facts from the key's node") {
            let lines = PeekTests.report(after: "| head -5", in: $0)
            return lines.count == 5 && lines[0] == "type:     list" && lines[4] == "length:   150 elements"
        }
        try shell.type("peek \(key) | tail -2")
        try shell.wait(for: "the value, capped") {
            PeekTests.report(after: "| tail -2", in: $0) == ["100) \"v99\"", "... 50 more elements"]
        }
        // Without -c the node says MOVED, shown as the error it is.
        let plain = try TmuxSession(
            [TestEnvironment.rcli, "-p", ports[0]], environment: ["HOME": try scratchDirectory("home").path])
        try plain.wait(for: "\(seed)> ")
        try plain.type("peek \(key)")
        try plain.wait(for: "(error) MOVED \(HashSlot.slot(Array(key.utf8)))")
        _ = try rcli(["-c", "-p", ports[0], "del", key])
    }
}
