import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--keystats` (redis-cli 7.4) against a server of its own with a known key of each type.
@Suite(.serialized) struct KeyStatsTests {
    /// redis-cli's bytesToHuman.
    static func human(_ n: Int) -> String {
        if n < 1024 { return "\(n)B" }
        var v = Double(n) / 1024
        var unit = "K"
        for u in ["M", "G", "T"] where v >= 1024 {
            v /= 1024
            unit = u
        }
        return String(format: "%.2f", v) + unit
    }

    static func pad(_ s: String, _ w: Int) -> String {
        String(repeating: " ", count: max(0, w - s.count)) + s
    }

    static func seed(_ server: OwnServer) throws {
        let big = String(repeating: "x", count: 5000)
        for args in [
            ["rpush", "mylist", "a", "b", "c"], ["set", "str", "hello"], ["hset", "h", "f1", "v1", "f2", "v2"],
            ["sadd", "s", "x", "y", "z", "w"], ["zadd", "z", "1", "a", "2", "b"], ["xadd", "st", "*", "a", "1"],
            ["set", "sp ace", big],
        ] {
            #expect(try server.cli(args).status == 0)
        }
    }

    static func memory(_ server: OwnServer, _ key: String) throws -> Int {
        Int(try server.cli(["memory", "usage", key]).out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func sectionsCountsAndSizesMatchTheServer() throws {
        let server = try OwnServer()
        try Self.seed(server)
        let keys = ["mylist", "str", "h", "s", "z", "st", "sp ace"]
        var sizes: [String: Int] = [:]
        for k in keys { sizes[k] = try Self.memory(server, k) }
        let r = try rcli(["-p", server.port, "--keystats"])
        #expect(r.status == 0, "\(r.err)")
        let out = r.out
        #expect(
            out.hasPrefix(
                "\n# Scanning the entire keyspace to find the biggest keys and distribution information.\n"
                    + "# Use -i 0.1 to sleep 0.1 sec per 100 SCAN commands (not usually needed).\n"
                    + "# Use --cursor <n> to start the scan at the cursor <n> (usually after a Ctrl-C).\n"
                    + "# Use --top <n> to display <n> top key sizes (default is 10).\n"
                    + "# Ctrl-C to stop the scan.\n\n100.00% keys scanned\nKeys sampled: 7\n"), "\(out)")
        let total = sizes.values.reduce(0, +)
        #expect(out.contains("Keys size:    \(Self.human(total))\n\n--- Top 10 key sizes ---\n"), "\(out)")
        let spaced = sizes["sp ace"] ?? 0
        #expect(out.contains("  1 " + Self.pad(Self.human(spaced), 8) + " string     \"sp ace\"\n"), "\(out)")
        #expect(out.contains("list       mylist is \(Self.human(sizes["mylist"] ?? 0))\n"))
        #expect(out.contains("string     sp ace is \(Self.human(spaced))\n"))
        #expect(out.contains("list       mylist has 3 items\n"))
        #expect(out.contains("hash       h has 2 fields\n"))
        #expect(out.contains("stream     st has 1 entries\n"))
        #expect(out.contains("set        s has 4 members\n"))
        #expect(out.contains("zset       z has 2 members\n"))
        #expect(out.contains("string     sp ace has 4.88K\n"))
        #expect(out.contains("\nKey size Percentile Total keys\n-------- ---------- -----------\n"))
        #expect(
            out.contains(
                Self.pad(Self.human(spaced), 8) + "  100.0000%           7\nNote: 0.01% size precision, Mean: "),
            "\(out)")
        #expect(out.contains("             6B  100.0000%           7\nTotal key length is 20B (2B avg)\n"), "\(out)")
        let m = sizes["mylist"] ?? 0
        #expect(
            out.contains(
                "Type        Total keys  Keys % Tot size Avg size  Total length/card Avg ln/card\n"
                    + "--------- ------------ ------- -------- -------- ------------------ -----------\n"
                    + "list                 1  14.29% " + Self.pad(Self.human(m), 8) + " " + Self.pad(Self.human(m), 8)
                    + "            3 items        3.00\n"), "\(out)")

        let top = try rcli(["-p", server.port, "--keystats-samples", "0", "--top", "2"])
        #expect(top.status == 0, "\(top.err)")
        let section = top.out.components(separatedBy: "--- Top 2 key sizes ---\n")
        #expect(section.count == 2, "\(top.out)")
        let rows = section.last?.components(separatedBy: "\n\n").first?.split(separator: "\n") ?? []
        #expect(rows.count == 2 && rows.first?.hasPrefix("  1 ") == true && rows.last?.hasPrefix("  2 ") == true)

        let patterned = try rcli(["-p", server.port, "--keystats", "--pattern", "s*"])
        #expect(patterned.out.contains("Keys sampled: 4\n"), "\(patterned.out)")
    }

    /// Byte for byte as redis-cli 7.4.1 on and off a terminal (on the redis-7.4 column: redis-cli
    /// 7.0 has no --keystats). An empty keyspace is left out: 7.4.1 prints garbage there
    /// ("Mean: --9223372036854775808B"), rcli says "No key size samples collected".
    @Test func sameAsRedisCli74() throws {
        guard let cli74 = TestEnvironment.redisCli74 else { return }
        let server = try OwnServer()
        try Self.seed(server)
        for args in [
            ["--keystats"], ["--keystats-samples", "0", "--top", "2"], ["--keystats", "--top", "0"],
            ["--keystats", "--pattern", "s*"], ["--keystats", "--count", "3", "--cursor", "0"],
        ] {
            for env in [[:], ["FAKETTY": "1"]] {
                let ours = try rcli(["-p", server.port] + args, environment: env)
                let theirs = try run(cli74, ["-p", server.port] + args, environment: env)
                #expect(ours.out == theirs.out, "\(args) \(env)")
                #expect(ours.err == theirs.err && ours.status == theirs.status, "\(args) \(env)")
            }
        }
    }

    @Test func ctrlCPrintsTheCursorToRestartFrom() throws {
        let server = try OwnServer()
        #expect(try server.cli(["debug", "populate", "3000"]).status == 0)
        let dir = try scratchDirectory("keystats")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        // -i 30: after 100 SCANs (1000 keys) it sleeps; Ctrl-C ends the sleep and the scan.
        let process = testProcess(TestEnvironment.rcli, ["-p", server.port, "--keystats", "-i", "30"])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        try process.run()
        let text = { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
        #expect(waitUntil(10) { text().hasSuffix("# Ctrl-C to stop the scan.\n\n") })
        // Wait until the sleep has started: SCAN stops being called.
        try interruptDuringTheScanSleep(process, on: server)
        let out = text()
        let first = Self.sampled(out)
        // SCAN COUNT is a hint: about 100 batches of 10.
        #expect(first >= 900 && first < 3000, "\(out)")
        #expect(out.contains(String(format: "\n%6.2f%% keys scanned\n", 100 * Double(first) / 3000)), "\(out)")
        let hint = try #require(
            out.range(
                of: #"\nScan interrupted:\nUse 'redis-cli --keystats --cursor (\d+)' "#
                    + #"to restart from the last cursor.\n$"#,
                options: .regularExpression), "\(out)")
        let cursor = String(
            out[hint].split(separator: "--cursor ").last?.prefix { $0.isNumber } ?? "0")
        #expect(cursor != "0")
        let rest = try rcli(["-p", server.port, "--keystats", "--cursor", cursor])
        #expect(rest.status == 0 && !rest.out.contains("Scan interrupted"))
        let second = Self.sampled(rest.out)
        #expect(second > 0 && second < 3000 && first + second >= 3000, "\(first) + \(second)")
    }

    static func sampled(_ out: String) -> Int {
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix("Keys sampled: ") }) else { return -1 }
        return Int(line.dropFirst("Keys sampled: ".count)) ?? -1
    }
}

extension ClusterFixtureTests {
    /// With -c every master is scanned, as for the other key tools.
    @Test func keyStatsCoversEveryMaster() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<300 { script += "set \(p)\(i) \(i)\n" }
        _ = try rcli(["-c", "-p", ports[0]], stdin: script)
        let r = try rcli(["-c", "-p", ports[0], "--keystats", "--pattern", p + "*", "--count", "100"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Keys sampled: 300\n"), "\(r.out)")
        let keys = (0..<300).map { "\(p)\($0)" }
        #expect(try rcli(["-c", "-p", ports[0]], stdin: "del " + keys.joined(separator: " ") + "\n").status == 0)
    }
}
