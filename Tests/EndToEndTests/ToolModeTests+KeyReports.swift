import Foundation
import Glibc
import Testing

/// --bigkeys and --memkeys against redis-cli (7.4.1 on the redis-7.4 column, else 7.0).
extension ToolModeTests {
    /// --bigkeys and --memkeys as redis-cli 7.4.1 prints them: byte for byte with it on the
    /// redis-7.4 column (on and off a terminal); elsewhere the same lines as Debian's redis-cli 7.0
    /// once its '"key"' quoting is undone (its type order is its own hash table's).
    @Test func keyReportsMatchRedisCli() throws {
        let port = try TestEnvironment.port()
        try Self.seedKeySpace()
        for (mode, theirMode) in [
            (["--bigkeys"], ["--bigkeys"]), (["--memkeys"], ["--memkeys"]),
            (["--memkeys-samples", "2"], ["--memkeys", "--memkeys-samples", "2"]),
        ] {
            // redis-cli scans 10 keys per round trip: with --count 10 the progress lines
            // (percentages included) are the same.
            let ours = try rcli(["-p", port, "-n", Self.db, "--count", "10"] + mode)
            let theirs = try referenceCli(["-p", port, "-n", Self.db] + theirMode)
            #expect(ours.status == 0 && theirs.status == 0)
            #expect(ours.out.contains("Biggest string found so far \"str:60\" with "), "\(ours.out)")
            #expect(Self.as74(ours.out) == ours.out, "no 7.0 quoting: \(ours.out)")
            if TestEnvironment.redisCli74 != nil {
                #expect(ours.out == theirs.out, "\(mode)")
                let tty = try rcli(["-p", port, "-n", Self.db, "--count", "10"] + mode, environment: ["FAKETTY": "1"])
                let theirTTY = try referenceCli(["-p", port, "-n", Self.db] + theirMode, environment: ["FAKETTY": "1"])
                #expect(tty.out == theirTTY.out, "\(mode) on a terminal")
            } else {
                #expect(Self.sortedLines(ours.out) == Self.sortedLines(Self.as74(theirs.out)), "\(mode)")
            }
            // The default COUNT 1000 changes only the progress percentages.
            let fast = try rcli(["-p", port, "-n", Self.db] + mode)
            let summary = { (s: String) in s.components(separatedBy: "-------- summary -------").last ?? "" }
            #expect(Self.sortedLines(summary(fast.out)) == Self.sortedLines(Self.as74(summary(theirs.out))))
        }
        let big = try rcli(["-p", port, "-n", Self.db, "--bigkeys"]).out
        #expect(big.contains("Sampled 76 keys in the keyspace!\n"))
        #expect(big.contains("Biggest string found \"str:60\" has 1000 bytes\n"))
        #expect(big.contains("Biggest   list found \"list:4\" has 21 items\n"))
        // redis-cli 7.4's type order (its hash table's, with every type looked up).
        let counts = [
            "5 lists with 55 items (06.58% of keys, avg size 11.00)",
            "4 hashs with 30 fields (05.26% of keys, avg size 7.50)",
            "1 streams with 1 entries (01.32% of keys, avg size 1.00)",
            "61 strings with 6320 bytes (80.26% of keys, avg size 103.61)",
            "3 sets with 35 members (03.95% of keys, avg size 11.67)",
            "2 zsets with 30 members (02.63% of keys, avg size 15.00)",
        ]
        #expect(big.hasSuffix("\n\n" + counts.joined(separator: "\n") + "\n"), "\(big)")
        let patterned = try rcli(["-p", port, "-n", Self.db, "--bigkeys", "--pattern", "list:*"]).out
        #expect(patterned.contains("Sampled 5 keys in the keyspace!\n"))
        // On a terminal: redis-cli 7.4's last frame (bar, keys sampled, six cleared lines and back
        // up six), then the summary without the "Sampled" line.
        let tty = try rcli(["-p", port, "-n", Self.db, "--bigkeys"], environment: ["FAKETTY": "1"]).out
        let bar: String = "\u{1B}[2K\r100.00% \u{1B}[32m" + String(repeating: "|", count: 60) + "\u{1B}[31m\u{1B}[39m\n"
        let cleared: String = String(repeating: "\u{1B}[2K\r\n", count: 6) + "\u{1B}[6A\r"
        let lastFrame: String = "(not usually needed).\n\n" + bar + "\u{1B}[2K\rKeys sampled: 76\n" + cleared
        let summary = "\n-------- summary -------\n\nTotal key length in bytes is 436 (avg len 5.74)\n\n"
        #expect(tty.contains(lastFrame + summary + "Biggest   list found \"list:4\" has 21 items\n"), "\(tty)")
        #expect(!tty.contains("found so far") && !tty.contains("Sampled"))
    }

    /// redis-cli 7.4 lists the types in its hash table's order, which settles once two keys have
    /// been looked up (before that the table is still growing).
    @Test func typeOrderFollowsRedisCli74() throws {
        let server = try OwnServer()
        let orders = [
            ["sets", "hashs", "lists", "streams", "strings", "zsets"],
            ["hashs", "lists", "streams", "strings", "sets", "zsets"],
            ["lists", "hashs", "streams", "strings", "sets", "zsets"],
            ["lists", "hashs", "streams", "strings", "sets", "zsets"],
        ]
        for (keys, order) in orders.enumerated() {
            if keys > 0 { _ = try server.cli(["set", "k\(keys)", "v"]) }
            for mode in ["--bigkeys", "--memkeys"] {
                let ours = try rcli(["-p", server.port, mode])
                let counts = ours.out.split(separator: "\n").compactMap { line in
                    line.split(separator: " ").dropFirst().first.map(String.init)
                }.filter { $0.hasSuffix("s") && order.contains($0) }
                #expect(counts == order, "\(keys) keys, \(mode): \(ours.out)")
                if let cli74 = TestEnvironment.redisCli74 {
                    for env in [[:], ["FAKETTY": "1"]] {
                        let theirs = try run(cli74, ["-p", server.port, mode], environment: env)
                        #expect(
                            try rcli(["-p", server.port, mode], environment: env).out == theirs.out, "\(keys) \(env)")
                    }
                }
            }
        }
    }

    /// Ctrl-C ends the scan with the summary of what was scanned, the percentage (before the
    /// last batch) leading the "Sampled" line, and exit status 0, as redis-cli 7.0 and 7.4.
    @Test func ctrlCPrintsTheSummarySoFar() throws {
        let server = try OwnServer()
        #expect(try server.cli(["debug", "populate", "3000", "k", "10"]).status == 0)
        let dir = try scratchDirectory("bigkeys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        // -i 30 --count 10: after 100 SCANs (about 1000 keys) it sleeps; Ctrl-C ends the sleep and the scan.
        let process = testProcess(
            TestEnvironment.rcli, ["-p", server.port, "--bigkeys", "-i", "30", "--count", "10"])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        try process.run()
        try interruptDuringTheScanSleep(process, on: server)
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let line = try #require(
            out.firstMatch(
                of: #/\n-------- summary -------\n\n\[(\d\d\.\d\d)%\] Sampled (\d+) keys in the keyspace!\n/#),
            "\(out)")
        let sampled = Int(line.2) ?? 0
        #expect(sampled >= 900 && sampled < 3000, "\(out)")
        #expect(Double(line.1) ?? 100 < 100 * Double(sampled) / 3000, "the percentage before the last batch")
        #expect(
            out.hasSuffix(
                "\(sampled) strings with \(sampled * 10) bytes (100.00% of keys, avg size 10.00)\n"
                    + "0 sets with 0 members (00.00% of keys, avg size 0.00)\n"
                    + "0 zsets with 0 members (00.00% of keys, avg size 0.00)\n"), "\(out)")
    }

    /// redis-cli 7.0's '"key"' quoting in these reports made 7.4's "key".
    static func as74(_ s: String) -> String {
        s.replacingOccurrences(of: "'\"", with: "\"").replacingOccurrences(of: "\"'", with: "\"")
    }

    static func sortedLines(_ s: String) -> [Substring] { s.split(separator: "\n").sorted() }
}
