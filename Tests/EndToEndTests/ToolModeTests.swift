import Foundation
import Glibc
import Testing

/// Runs rcli for `seconds` (a mode that never ends by itself), then kills it; `during`
/// runs meanwhile with the path of the growing stdout file (stderr is "err" beside it).
func rcliFor(
    _ seconds: Double, _ arguments: [String], environment: [String: String] = [:],
    during: ((URL) throws -> Void)? = nil
) throws -> RunResult {
    let dir = try scratchDirectory("for")
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = testProcess(TestEnvironment.rcli, arguments, environment: environment)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    let start = Date()
    try process.run()
    try during?(outURL)
    while process.isRunning && Date().timeIntervalSince(start) < seconds { usleep(20_000) }
    let ended = !process.isRunning
    // SIGKILL: the runner may hand its children SIGTERM blocked.
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return RunResult(
        stdout: Array(try Data(contentsOf: outURL)), stderr: Array(try Data(contentsOf: errURL)),
        status: ended ? process.terminationStatus : -1)
}

/// `--bigkeys`, `--memkeys`, `--hotkeys`, `--stat`, `--latency*`, `--intrinsic-latency`.
@Suite(.serialized) struct ToolModeTests {
    /// Database 12 of the shared server holds this suite's keys only.
    static let db = "12"

    static func seedKeySpace() throws {
        // Distinct sizes per type, so "biggest" never depends on SCAN order between ties.
        var script = "flushdb\n"
        for i in 1...59 { script += "set str:\(i) \(String(repeating: "x", count: i * 3))\n" }
        script += "set str:60 \(String(repeating: "y", count: 1000))\n"
        for k in 0..<5 { script += "rpush list:\(k)" + (0...(k * 5)).map { " a\($0)" }.joined() + "\n" }
        for k in 0..<3 { script += "sadd set:\(k)" + (0..<(5 << k)).map { " m\($0)" }.joined() + "\n" }
        for k in 0..<4 { script += "hset hash:\(k)" + (0..<(3 * (k + 1))).map { " f\($0) v" }.joined() + "\n" }
        for k in 0..<2 { script += "zadd z:\(k)" + (0..<(10 * (k + 1))).map { " \($0) m\($0)" }.joined() + "\n" }
        script += "xadd s1 * a 1\nset \"odd\\x01key\\n\" 1234567890\n"
        let r = try redisCli(["-p", try TestEnvironment.port(), "-n", db], stdin: script)
        #expect(r.status == 0)
        // Let the server finish growing its hash table: SCAN order is stable from then on.
        usleep(300_000)
    }

    @Test func hotKeysNeedLFUAndMatchRedisCli() throws {
        let port = try TestEnvironment.port()
        try Self.seedKeySpace()
        let refused = try rcli(["-p", port, "-n", Self.db, "--hotkeys"])
        let theirs = try referenceCli(["-p", port, "-n", Self.db, "--hotkeys"])
        #expect(refused.status == 1 && refused.status == theirs.status)
        #expect(
            refused.err == theirs.err && refused.err.hasPrefix("Error: ERR An LFU maxmemory policy is not selected"))
        #expect(refused.out == theirs.out)
        _ = try redisCli(["-p", port, "config", "set", "maxmemory-policy", "allkeys-lfu"])
        defer { _ = try? redisCli(["-p", port, "config", "set", "maxmemory-policy", "noeviction"]) }
        _ = try redisCli(
            ["-p", port, "-n", Self.db],
            stdin: String(repeating: "get str:7\n", count: 200) + String(repeating: "get str:9\n", count: 30))
        let ours = try rcli(["-p", port, "-n", Self.db, "--hotkeys", "--count", "10"])
        let lfu = try referenceCli(["-p", port, "-n", Self.db, "--hotkeys"])
        #expect(ours.status == 0)
        #expect(ours.out == (TestEnvironment.redisCli74 == nil ? Self.as74(lfu.out) : lfu.out))
        #expect(ours.out.contains("Hot key \"str:7\" found so far with counter "), "\(ours.out)")
        if TestEnvironment.redisCli74 != nil {
            let env = ["FAKETTY": "1"]
            let tty = try rcli(["-p", port, "-n", Self.db, "--hotkeys", "--count", "10"], environment: env)
            #expect(tty.out == (try referenceCli(["-p", port, "-n", Self.db, "--hotkeys"], environment: env)).out)
        }
        #expect(ours.out.contains("hot key found with counter: "), "\(ours.out)")
        #expect(ours.out.contains("\tkeyname: \"str:7\"\n"))
    }

    @Test func statPrintsRedisCliColumns() throws {
        let port = try TestEnvironment.port()
        try Self.seedKeySpace()
        let r = try rcliFor(1.5, ["-p", port, "--stat", "-i", "0.2"])
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "------- data ------ --------------------- load -------------------- - child -")
        #expect(
            lines.dropFirst().first == "keys       mem      clients blocked requests            connections          ")
        let rows = lines.dropFirst(2).filter { !$0.isEmpty }
        #expect(rows.count >= 4, "\(r.out)")
        let row = rows.first.map(String.init) ?? ""
        // keys (11 wide), memory like 1.46M (8 wide), clients, blocked, "N (+d)" (19 wide), connections.
        #expect(
            row.range(of: #"^\d+ +\d+(\.\d\d[KMG]|B) +\d+ +\d+ +\d+ \(\+\d+\) +\d+ *$"#, options: .regularExpression)
                != nil, "\(row)")
        #expect(rows.dropFirst().allSatisfy { $0.contains("(+") })
        let bad = try rcli(["-p", "1", "--stat"])
        #expect(bad.status == 1 && bad.err == "Could not connect to Redis at 127.0.0.1:1: Connection refused\n")
    }

    @Test func latencyModesOutsideATerminal() throws {
        let port = try TestEnvironment.port()
        let once = try rcli(["-p", port, "--latency"])
        #expect(once.status == 0)
        #expect(once.out.range(of: #"^\d+ \d+ \d+\.\d\d \d+\n$"#, options: .regularExpression) != nil, "\(once.out)")
        let csv = try rcli(["-p", port, "--latency", "--csv", "-i", "0.3"])
        #expect(csv.out.range(of: #"^\d+,\d+,\d+\.\d\d,\d+\n$"#, options: .regularExpression) != nil, "\(csv.out)")
        // redis-cli's JSON line (7.0 and 7.4 alike): spaces after the colons and commas, "count".
        let json = #"^\{"min": \d+, "max": \d+, "avg": \d+\.\d\d, "count": \d+\}\n$"#
        for cli in [TestEnvironment.rcli, TestEnvironment.referenceCli] {
            let r = try run(cli, ["-p", port, "--latency", "--json", "-i", "0.3"])
            #expect(r.out.range(of: json, options: .regularExpression) != nil, "\(cli): \(r.out)")
        }
        let history = try rcliFor(1.2, ["-p", port, "--latency-history", "-i", "0.3"])
        #expect(
            history.out.hasPrefix("0 0 0.00 1\n")
                || history.out.range(of: #"^\d+ \d+ \d+\.\d\d 1\n"#, options: .regularExpression) != nil)
        #expect(history.out.contains(" -- 0.3"), "a range line closes each interval: \(history.out.prefix(300))")
        let dist = try rcliFor(1.2, ["-p", port, "--latency-dist", "-i", "0.3"])
        #expect(
            dist.out.hasPrefix(
                "---------------------------------------------\n. - * #          .01 .125 .25 .5 milliseconds\n"))
        let spectrum = dist.out.split(separator: "\n").first { $0.hasPrefix("\u{1b}[38;5;0m") }.map(String.init) ?? ""
        #expect(spectrum.components(separatedBy: "\u{1b}[48;5;").count == 32, "31 buckets: \(spectrum)")
    }

    @Test func latencyPercentiles() throws {
        let port = try TestEnvironment.port()
        let ms = #"\d+\.\d{3}"#
        let raw = try rcli(["-p", port, "--latency", "--latency-percentiles", "50,99,99.9", "-i", "0.3"])
        #expect(raw.status == 0)
        let rawLine = "^M M M N M M M\n$".replacingOccurrences(of: "M", with: ms)
            .replacingOccurrences(of: "N", with: #"\d+"#)
        #expect(raw.out.range(of: rawLine, options: .regularExpression) != nil, "\(raw.out)")
        let json = try rcli(["-p", port, "--latency", "--latency-percentiles", "50,99.9", "--json", "-i", "0.3"])
        let object = #"^\{"min":M,"max":M,"avg":M,"count":\d+,"percentiles":\{"50":M,"99.9":M\}\}\n$"#
        #expect(
            json.out.range(of: object.replacingOccurrences(of: "M", with: ms), options: .regularExpression) != nil,
            "\(json.out)")
        let tty = try rcliFor(
            1, ["-p", port, "--latency-history", "-i", "0.4", "--latency-percentiles", "90"],
            environment: ["FAKETTY": "1"])
        let line = "min: M, max: M, avg: M \\(\\d+ samples\\), p90: M".replacingOccurrences(of: "M", with: ms)
        #expect(tty.out.range(of: "^\u{1b}\\[0G\u{1b}\\[2K" + line, options: .regularExpression) != nil, "\(tty.out)")
        #expect(tty.out.range(of: line + " -- \\d+\\.\\d\\d seconds range\n", options: .regularExpression) != nil)
        // Percentiles ordered as numbers: p50 <= p99 <= max in every window.
        let fields = raw.out.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if fields.count == 7 {
            #expect(fields[4] <= fields[5] && fields[5] <= fields[6] && fields[6] <= fields[1] + 0.001)
        }
        for (args, message) in [
            (
                ["--latency", "--latency-percentiles", "50,x"],
                "Invalid value for --latency-percentiles: '50,x' (expected numbers from 0 to 100, e.g. 50,99,99.9)\n"
            ),
            (
                ["--latency", "--latency-percentiles", "101"],
                "Invalid value for --latency-percentiles: '101' (expected numbers from 0 to 100, e.g. 50,99,99.9)\n"
            ),
            (["--latency-percentiles", "50"], "--latency-percentiles needs --latency or --latency-history\n"),
            (
                ["--latency-dist", "--latency-percentiles", "50"],
                "--latency-percentiles needs --latency or --latency-history\n"
            ),
        ] {
            let r = try rcli(["-p", port] + args)
            #expect(r.status == 1 && r.err == message && r.stdout.isEmpty, "\(args): \(r.err)")
        }
    }

    @Test func latencyOnATerminalRedrawsOneLine() throws {
        let port = try TestEnvironment.port()
        let r = try rcliFor(1, ["-p", port, "--latency"], environment: ["FAKETTY": "1"])
        #expect(r.out.hasPrefix("\u{1b}[0G\u{1b}[2Kmin: "), "\(r.out.prefix(80))")
        #expect(!r.out.contains("\n"), "the same line is redrawn")
        #expect(r.out.components(separatedBy: " samples)").count > 5)
        let statCluster = try rcliFor(1, ["-c", "-p", try ClusterFixtureTests.ports()[0], "--stat", "-i", "0.3"])
        #expect(statCluster.out.hasPrefix("------- data ------"), "\(statCluster.out)\(statCluster.err)")
        #expect(statCluster.out.split(separator: "\n").count >= 4, "one line per interval, summed over the masters")
    }

    @Test func latencyReconnectsWhenTheServerComesBack() throws {
        let server = try OwnServer()
        var sizeWhileDown = 0
        // 8 s: on a loaded machine the restart alone may take seconds, and samples must follow it.
        let r = try rcliFor(8, ["-p", server.port, "--latency-history", "-i", "0.2"]) { out in
            usleep(800_000)
            server.stop()
            usleep(1_500_000)
            sizeWhileDown = (try? Data(contentsOf: out).count) ?? 0
            #expect(server.restart())
        }
        #expect(r.err.contains("Reconnecting... 1 ("), "\(r.err)")
        #expect(r.stdout.count > sizeWhileDown + 20, "samples resume after the restart")
    }

    @Test func intrinsicLatencyNeedsNoServer() throws {
        let r = try rcli(["-p", "1", "--intrinsic-latency", "1"])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("Max latency so far: "))
        #expect(
            r.out.range(
                of:
                    #"\n\n\d+ total runs \(avg latency: \d+\.\d{4} microseconds / \d+\.\d\d "#
                    + #"nanoseconds per run\)\.\nWorst run took \d+x longer than the average latency\.\n$"#,
                options: .regularExpression) != nil, "\(r.out)")
    }
}

/// `--pipe` against a server that goes away in the middle.
@Suite struct PipeLossTests {
    @Test func aServerThatDiesMidPipeIsReportedWithWhatItAcknowledged() throws {
        let server = try OwnServer()
        let rcli = try CoProcess(["-p", server.port, "--pipe"])
        try rcli.write(Data((0..<1000).map { "SET k\($0) v\r\n" }.joined().utf8))
        try #require(try waitUntil(10) { try server.cli(["dbsize"]).out == "1000\n" })
        server.stop()
        // More input after the server is gone: rcli must notice, report and exit (no hang).
        waitUntil(2) {
            try? rcli.write(Data("SET more v\r\n".utf8))
            return !rcli.isRunning
        }
        let end = rcli.end(within: 10)
        #expect(end.ended, "rcli ends when the server goes away")
        let out = end.out
        let err = end.err
        #expect(end.status == 1)
        #expect(out.hasSuffix("errors: 0, replies: 1000\n") || out.hasSuffix("errors: 0, replies: 1001\n"), "\(out)")
        #expect(
            err.hasPrefix("Error: ") && err.contains("the server acknowledged 10")
                && err.hasSuffix("may or may not have run\n"), "\(err)")
        #expect(err.split(separator: "\n").count == 1, "one line: \(err)")
    }
}

/// `--rdb`, `--functions-rdb` and `--replica` against servers of their own.
@Suite struct ReplicationModeTests {
    static let library = "#!lua name=rclilib\nredis.register_function('rclifn', function() return 1 end)"

    /// Starts a server on `rdb` and returns its key count and function libraries.
    static func load(_ rdb: URL) throws -> (keys: String, functions: String) {
        let dir = rdb.deletingLastPathComponent()
        let server = try OwnServer(["--dbfilename", rdb.lastPathComponent], dir: dir, owned: false)
        let keys = try server.cli(["dbsize"]).out
        let functions = try server.cli(["function", "list"]).out
        return (keys, functions)
    }

    @Test func rdbTransfersLoadInRedisServer() throws {
        let source = try OwnServer()
        _ = try source.cli(["debug", "populate", "1000", "k", "10"])
        _ = try source.cli(["function", "load", Self.library])
        for diskless in ["yes", "no"] {
            _ = try source.cli(["config", "set", "repl-diskless-sync", diskless])
            let dir = try scratchDirectory("rdb")
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("dump.rdb")
            let r = try rcli(["-p", source.port, "--rdb", file.path])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.isEmpty)
            if diskless == "yes" {
                #expect(
                    r.err.hasPrefix(
                        "sending REPLCONF capa eof\nsending REPLCONF rdb-only 1\n"
                            + "SYNC sent to master, writing bytes of bulk transfer until EOF marker to '\(file.path)'\n"
                    ),
                    "the same lines as redis-cli 7.0: \(r.err)")
                #expect(r.err.contains("Transfer finished with success after "))
            } else {
                #expect(
                    r.err.range(
                        of: #"^sending REPLCONF capa eof\nsending REPLCONF rdb-only 1\n"#
                            + #"SYNC sent to master, writing \d+ bytes to '.*'\nTransfer finished with success\.\n$"#,
                        options: .regularExpression) != nil, "\(r.err)")
            }
            let loaded = try Self.load(file)
            #expect(loaded.keys == "1000\n")
            #expect(loaded.functions.contains("rclilib"))
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("partial") },
                "no temporary file is left")
        }
        let dir = try scratchDirectory("frdb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let functionsOnly = dir.appendingPathComponent("functions.rdb")
        let f = try rcli(["-p", source.port, "--functions-rdb", functionsOnly.path])
        #expect(f.status == 0, "\(f.err)")
        let loaded = try Self.load(functionsOnly)
        #expect(loaded.keys == "0\n")
        #expect(loaded.functions.contains("rclilib"))
        let toStdout = try rcli(["-p", source.port, "--rdb", "-"])
        #expect(toStdout.status == 0 && toStdout.stdout.starts(with: Array("REDIS".utf8)))
    }

    @Test func rdbFailuresLeaveNoFileBehind() throws {
        let source = try OwnServer()
        let before = try source.cli(["info", "stats"]).out
        let r = try rcli(["-p", source.port, "--rdb", "/nonexistent-dir/x.rdb"])
        #expect(r.status == 1 && r.err == "Error opening '/nonexistent-dir/x.rdb': No such file or directory\n")
        let after = try source.cli(["info", "stats"]).out
        let syncs = { (s: String) in s.split(separator: "\r\n").first { $0.hasPrefix("sync_full:") } }
        #expect(syncs(before) == syncs(after), "no SYNC is sent when the file cannot be written")

        // A server that stops in the middle of the payload: the error says so and an older
        // file under that name survives.
        let dir = try scratchDirectory("rdbfail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("keep.rdb")
        try Data("older backup".utf8).write(to: file)
        let mark = String(repeating: "m", count: 40)
        let fake = try FakeServer(reply: Array("+OK\r\n+OK\r\n\n\n$EOF:\(mark)\r\nREDIS0010partial".utf8), holdOpen: 1)
        let cut = try rcli(["-p", "\(fake.port)", "--rdb", file.path])
        #expect(cut.status == 1)
        #expect(
            cut.err.hasSuffix(
                "I/O Error reading RDB payload from socket: the server closed the connection after 16 bytes\n"),
            "\(cut.err)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "older backup")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["keep.rdb"], "the partial file is removed"
        )
    }

    @Test func replicaPrintsWhatTheMasterPropagates() throws {
        let master = try OwnServer(["--repl-diskless-sync-delay", "0"])
        let r = try rcliFor(30, ["-p", master.port, "--replica"]) { out in
            let err = out.deletingLastPathComponent().appendingPathComponent("err")
            let text = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
            var waited = 0
            while !text(err).contains("Logging commands from master") && waited < 200 {
                usleep(50_000)
                waited += 1
            }
            #expect(text(err).contains("Logging commands from master"), "\(text(err))")
            _ = try master.cli(["set", "greeting", "hello \"world\""])
            _ = try master.cli(["-n", "3", "incr", "counter"])
            waited = 0
            while !text(out).contains("\"incr\"") && waited < 200 {
                usleep(50_000)
                waited += 1
            }
            _ = try master.cli(["client", "kill", "type", "replica"])
        }
        #expect(r.status == 1, "the master going away ends the run with an error")
        #expect(r.out.contains("\"set\",\"greeting\",\"hello \\\"world\\\"\"\n"), "\(r.out)")
        #expect(r.out.contains("\"SELECT\",\"3\"\n\"incr\",\"counter\"\n"), "\(r.out)")
        #expect(r.err.contains("SYNC done after "))
        #expect(r.err.hasPrefix("sending REPLCONF capa eof\nsending REPLCONF rdb-filter-only \n"), "\(r.err)")
        #expect(r.err.contains("Logging commands from master.\nsending REPLCONF ACK 0\n"), "\(r.err)")
        #expect(r.err.hasSuffix("\nError: Server closed the connection\n"), "redis-cli's words: \(r.err)")
    }
}

extension ClusterFixtureTests {
    @Test func bigKeysCoversTheWholeCluster() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<300 { script += "set \(p)s\(i) \(String(repeating: "v", count: i % 50 + 1))\n" }
        script += "set \(p)biggest \(String(repeating: "w", count: 500))\nrpush \(p)list a b c\n"
        _ = try rcli(["-c", "-p", ports[0]], stdin: script)
        defer {
            var del = "del \(p)biggest \(p)list"
            for i in 0..<300 { del += " \(p)s\(i)" }
            _ = try? rcli(["-c", "-p", ports[0]], stdin: del + "\n")
        }
        let r = try rcli(["-c", "-p", ports[0], "--bigkeys", "--pattern", p + "*"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Sampled 302 keys in the keyspace!\n"), "\(r.out)")
        #expect(
            r.out.range(
                of: #"Biggest string found "[^"]*biggest" has 500 bytes \(on 127\.0\.0\.1:\d+\)\n"#,
                options: .regularExpression) != nil, "\(r.out)")
        #expect(r.out.contains("301 strings with "))
        let theirs = try redisCli(["-c", "-p", ports[0], "--bigkeys"]).out
        #expect(!theirs.contains("Sampled 302 keys"), "redis-cli reports one node")
        // From replicas: they catch up quickly; the report must come from them (READONLY) and be whole.
        var fromReplicas = ""
        for _ in 0..<20 {
            fromReplicas = try rcli(["-c", "-p", ports[0], "--bigkeys", "--replica-reads", "--pattern", p + "*"]).out
            if fromReplicas.contains("Sampled 302 keys") { break }
            usleep(100_000)
        }
        #expect(fromReplicas.contains("Sampled 302 keys in the keyspace!\n"), "\(fromReplicas)")
        let masters = Set(
            try rcli(["-c", "-p", ports[0], "--bigkeys", "--pattern", p + "*"]).out
                .matches(of: /\(on (127\.0\.0\.1:\d+)\)/).map { String($0.1) })
        let replicas = Set(fromReplicas.matches(of: /\(on (127\.0\.0\.1:\d+)\)/).map { String($0.1) })
        #expect(masters.isDisjoint(with: replicas), "replica reads name replicas: \(masters) vs \(replicas)")
    }
}
