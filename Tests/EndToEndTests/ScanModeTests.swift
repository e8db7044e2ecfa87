import Foundation
import Testing

/// `--scan` against redis-cli's, and across a cluster.
@Suite struct ScanModeTests {
    @Test func scanListsTheSameKeysAsRedisCli() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        try seed([["debug", "populate", "2500", p + "k"], ["set", p + "odd\nkey\u{1}", "v"]])
        // redis-cli 7.0 scans 10 keys per round trip: compare once, in the quoted format.
        let ours = try rcli(["-p", port, "--scan", "--pattern", p + "*", "--no-raw"])
        let theirs = try referenceCli(["-p", port, "--scan", "--pattern", p + "*", "--no-raw"])
        #expect(ours.status == 0)
        #expect(ours.out.split(separator: "\n").sorted() == theirs.out.split(separator: "\n").sorted())
        #expect(ours.out.split(separator: "\n").count == 2501)
        let raw = try rcli(["-p", port, "--scan", "--pattern", p + "k:*"])
        #expect(raw.out.split(separator: "\n").sorted() == (0..<2500).map { Substring("\(p)k:\($0)") }.sorted())
        let quoted = try rcli(["-p", port, "--scan", "--quoted-pattern", "\"\(p)odd\\nkey*\"", "--no-raw"])
        #expect(quoted.out == "\"\(p)odd\\nkey\\x01\"\n")
        let counted = try rcli(["-p", port, "--scan", "--pattern", p + "k:1*", "--count", "5"])
        #expect(counted.out.split(separator: "\n").count == 1111)
        let bad = try rcli(["-p", port, "--scan", "--count", "0"])
        #expect(bad.status == 1 && bad.err == "Invalid value for --count: '0' (expected a positive integer)\n")
        var del = "del \(p)odd\\nkey\\x01"
        for i in 0..<2500 { del += " \(p)k:\(i)" }
        _ = try rcli(["-p", port], stdin: del + "\n")
    }

    /// A user who may not SCAN: the same words and status as redis-cli, for every scanning mode.
    @Test func refusedScanSaysSoAsRedisCli() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        _ = try redisCli([
            "-p", port, "-a", "s3cret", "--no-auth-warning", "acl", "setuser", "noscan", "on", ">pw", "~*", "&*",
            "+@all", "-scan",
        ])
        for mode in ["--scan", "--bigkeys", "--memkeys", "--hotkeys"] {
            let args = ["-p", port, "--user", "noscan", "--pass", "pw", "--no-auth-warning", mode]
            let ours = try rcli(args)
            let theirs = try referenceCli(args)
            #expect(ours.status == 1 && theirs.status == 1, "\(mode)")
            // Redis 7.0 says "this user", 7.2 and later name the user.
            #expect(
                ours.err.hasPrefix("SCAN error: NOPERM ")
                    && ours.err.hasSuffix(" has no permissions to run the 'scan' command\n"), "\(mode): \(ours.err)")
            #expect(ours.err == theirs.err && ours.out == theirs.out, "\(mode)")
        }
    }
}

extension ClusterFixtureTests {
    @Test func scanCoversEveryMaster() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<600 { script += "set \(p)\(i) \(i)\n" }
        _ = try rcli(["-c", "-p", ports[0]], stdin: script)
        let keys = try rcli(["-c", "-p", ports[0], "--scan", "--pattern", p + "*"]).out.split(separator: "\n")
        #expect(Set(keys).count == 600)
        let theirs = try redisCli(["-c", "-p", ports[0], "--scan", "--pattern", p + "*"]).out.split(separator: "\n")
        #expect(theirs.count < 600, "redis-cli sees one node only")
        #expect(try rcli(["-c", "-p", ports[0]], stdin: "del " + keys.joined(separator: " ") + "\n").out == "600\n")
    }
}

/// `--eval file keys , args`, byte for byte as redis-cli.
@Suite struct EvalModeTests {
    @Test func evalMatchesRedisCli() throws {
        let dir = try scratchDirectory("eval")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("s.lua").path
        try "return {KEYS[1], ARGV[1], #KEYS, #ARGV}".write(toFile: script, atomically: true, encoding: .utf8)
        try expectSameAsRedisCli(["--eval", script, "k1", "k2", ",", "a1", "a2"])
        try expectSameAsRedisCli(["--eval", script, "k1,", "k2", ",", ",", "a2"])
        try expectSameAsRedisCli(["--eval", script, "--no-raw"])
        try expectSameAsRedisCli(["--eval", dir.appendingPathComponent("missing.lua").path, "k"])
        let broken = dir.appendingPathComponent("bad.lua").path
        try "return (".write(toFile: broken, atomically: true, encoding: .utf8)
        try expectSameAsRedisCli(["--eval", broken])
    }
}

/// `--pipe`, byte for byte as redis-cli (stdout, stderr, exit status).
@Suite struct PipeModeTests {
    @Test func pipeMatchesRedisCli() throws {
        let p = uniquePrefix()
        try expectSameAsRedisCli(
            ["--pipe"], stdin: "SET \(p)a 1\r\nBOGUS\r\n*2\r\n$3\r\nGET\r\n$\(p.utf8.count + 1)\r\n\(p)a\r\n")
        try expectSameAsRedisCli(["--pipe"], stdin: "")
        var big = ""
        for i in 0..<50_000 {
            big += "*3\r\n$5\r\nRPUSH\r\n$\(p.utf8.count + 1)\r\n\(p)l\r\n$\(String(i).utf8.count)\r\n\(i)\r\n"
        }
        let ours = try rcli(["-p", try TestEnvironment.port(), "--pipe"], stdin: big)
        #expect(
            ours.out
                == "All data transferred. Waiting for the last reply...\nLast reply received from "
                + "server.\nerrors: 0, replies: 50000\n"
        )
        #expect(ours.status == 0)
        #expect(try redisCli(["-p", try TestEnvironment.port(), "llen", "\(p)l"]).out == "50000\n")
        _ = try redisCli(["-p", try TestEnvironment.port(), "del", "\(p)a", "\(p)l"])
        // -c against a server without cluster support: a plain --pipe.
        let notCluster = try rcli(["-c", "--pipe", "-p", try TestEnvironment.port()], stdin: "PING\r\n")
        #expect(notCluster.status == 0 && notCluster.out.hasSuffix("errors: 0, replies: 1\n"), "\(notCluster.out)")
    }

    /// Malformed input stops the transfer at the bad command, names its offset, and still
    /// collects the replies to what was sent (redis-cli sends it and the server hangs up).
    @Test func malformedInputStopsWithTheOffset() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let good = "*3\r\n$3\r\nSET\r\n$\(p.utf8.count + 1)\r\n\(p)a\r\n$1\r\n1\r\nINCR \(p)n\r\n"
        let ping = "*1\r\n$4\r\nPING\r\n"
        let g = good.utf8.count
        // The bad part, where the fault is (from the end of the good part), and why.
        let cases: [(String, Int, String)] = [
            ("*2\r\n$3\r\nGET\r\n:5\r\n" + ping, 13, "expected '$' (a bulk string argument), found \":\""),
            (
                "*2\r\n$3\r\nGET\r\n$2\r\nabc\r\n" + ping, 19,
                "a bulk string is not followed by CRLF (its length is wrong)"
            ),
            ("*x\r\n" + ping, 1, "expected a length and CRLF, found \"x\""),
            ("SET \"unclosed\r\n" + ping, 0, "unbalanced quotes in an inline command"),
            ("*2\r\n$3\r\nGET\r\n$9\r\nabc", 0, "the input ends in the middle of a command"),
        ]
        for (tail, at, reason) in cases {
            _ = try redisCli(["-p", port, "del", p + "n"])
            let r = try rcli(["-p", port, "--pipe"], stdin: good + tail)
            #expect(r.status == 1, "\(tail)")
            #expect(
                r.err == "Error: --pipe input is not Redis protocol at byte \(g + at) (after 2 commands): \(reason)\n",
                "\(tail)")
            #expect(r.out.hasSuffix("errors: 0, replies: 2\n"), "the two good commands ran, nothing after: \(r.out)")
            #expect(try redisCli(["-p", port, "get", p + "n"]).out == "1\n")
        }
        _ = try redisCli(["-p", port, "del", p + "a", p + "n"])
    }
}

extension ClusterFixtureTests {
    @Test func pipeSplitsPerNode() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var input = ""
        for i in 0..<3000 {
            let key = "\(p)\(i)"
            let value = "\(i)"
            input += "*3\r\n$3\r\nSET\r\n$\(key.utf8.count)\r\n\(key)\r\n$\(value.utf8.count)\r\n\(value)\r\n"
        }
        input += "MSET \(p)x 1 \(p)y 2\r\n" // cross-slot: the server's error, counted
        let before = try Self.movedCount(ports)
        let r = try rcli(["-c", "-p", ports[0], "--pipe"], stdin: input)
        #expect(r.status == 1, "one error reply")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "All data transferred. Waiting for the last reply...")
        #expect(lines.last == "errors: 1, replies: 3001")
        let perNode = lines.filter { $0.hasPrefix("127.0.0.1:") }
        #expect(perNode.count == 3, "one line per master: \(lines)")
        let counted = perNode.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(counted == 3001)
        #expect(r.err.contains("CROSSSLOT"))
        #expect(try Self.movedCount(ports) == before, "no redirects")
        let check = try rcli(["-c", "-p", ports[0], "--scan", "--pattern", p + "*"]).out.split(separator: "\n")
        #expect(check.count == 3000)
        #expect(try rcli(["-c", "-p", ports[0], "get", "\(p)2999"]).out == "2999\n")
        _ = try rcli(["-c", "-p", ports[0]], stdin: "del " + check.joined(separator: " ") + "\n")
    }

    /// MOVED replies counted on all nodes (errorstats).
    static func movedCount(_ ports: [String]) throws -> Int {
        var total = 0
        for port in ports {
            let info = try redisCli(["-p", port, "info", "errorstats"]).out
            if let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("errorstat_MOVED:") }),
                let n = line.split(separator: "=").last.flatMap({ Int($0) })
            {
                total += n
            }
        }
        return total
    }
}
