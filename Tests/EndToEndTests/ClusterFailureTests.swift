import Cluster
import Foundation
import Glibc
import RedisNet
import Testing

/// Nodes killed under `rcli -c`, each test on a cluster of its own (so they run beside the other
/// suites, not in the serialized fixture one).
@Suite struct ClusterFailureTests {
    /// A master and its replica both killed: the first command waits the retry budget, the rest
    /// for that shard fail at once with the same reason, other shards are served, and a probe
    /// sees the shard back.
    @Test func aShardThatStaysDownCostsOneWait() throws {
        let cluster = try OwnCluster()
        let map = try cluster.map()
        let seed = try #require(map.masters.first)
        let victim = try #require(map.masters.first { $0 != seed })
        let other = try #require(map.masters.first { $0 != seed && $0 != victim })
        let p = uniquePrefix()
        let down = try cluster.keys("\(p)d", on: victim, count: 3000)
        let up = try cluster.keys("\(p)u", on: seed, count: 300) + cluster.keys("\(p)o", on: other, count: 300)
        for replica in map.shards.first(where: { $0.master == victim })?.replicas ?? [] {
            try cluster.kill(replica.port)
        }
        try cluster.kill(victim.port)
        for port in cluster.ports where port != victim.port && cluster.info(port, "server") != "" {
            _ = cluster.command(port, ["config", "set", "cluster-require-full-coverage", "no"])
        }
        let args = ["-c", "-p", "\(seed.port)", "--retry-budget", "2"]

        let start = Date()
        let r = try rcli(args, stdin: down.map { "set \($0) v\n" }.joined(), timeout: 60)
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 1)
        #expect(r.out.isEmpty)
        let lines = r.err.split(separator: "\n")
        #expect(lines.count == 3001, "one line per command and a summary: \(lines.count)")
        #expect(lines.filter { $0.hasPrefix("Error: gave up after 2s of retries:") }.count == 1, "one wait")
        #expect(lines.filter { $0.contains("failing for") }.count == 2999, "\(lines.prefix(3))")
        #expect(lines.dropLast().allSatisfy { $0.contains("127.0.0.1:\(victim.port): Connection refused") })
        #expect(lines.last == "rcli: -c: failed at once (shard down): 2999")
        #expect(elapsed < 12, "one budget (2 s), not one per line: \(elapsed) s")

        // Mixed: every key whose shard is up is written.
        var script = ""
        for i in 0..<600 { script += "set \(down[i]) v\nset \(up[i]) v\n" }
        let mixed = try rcli(args, stdin: script, timeout: 60)
        #expect(mixed.status == 1)
        #expect(mixed.out == String(repeating: "OK\n", count: 600), "\(mixed.err.prefix(300))")
        let present = try rcli(["-c", "-p", "\(seed.port)", "exists"] + up)
        #expect(present.out == "600\n")

        // A probe (at most one a second) sees the shard serve again.
        let shell = try CoProcess(["-c", "-p", "\(seed.port)", "--retry-budget", "1"])
        #expect(shell.send("set \(down[0]) x", timeout: 4).isEmpty, "given up after the budget")
        #expect(shell.send("set \(down[1]) x", timeout: 0.3).isEmpty, "failed at once")
        #expect(try cluster.restart(victim.port), "the killed master comes back")
        let back = waitUntil(10) { shell.send("set \(down[2]) back", timeout: 1.5) == ["OK"] }
        #expect(back, "the shard serves again")
        #expect(shell.send("get \(down[2])") == ["back"])
        let end = shell.finish()
        #expect(end.err.contains("failing for"), "\(end.err)")
    }

    /// A master SIGKILLed while a command is running on it: a read is sent again to the promoted
    /// replica; a write is reported (may or may not have run) unless --retry-writes.
    @Test func lostReadsAreSentAgainAndWritesOnlyWithRetryWrites() throws {
        let cluster = try OwnCluster()
        let map = try cluster.map()
        try #require(map.shards.count == 3 && map.shards.allSatisfy { !$0.replicas.isEmpty })
        // A replica seeds every run, so no run kills the node it started from.
        let seed = map.shards[0].replicas[0]
        let p = uniquePrefix()
        let keys = try (0..<3).map {
            try #require(cluster.keys("\(p)k\($0)-", on: map.shards[$0].master, count: 1).first)
        }
        // Written on each master and acknowledged by its replica (WAIT on the same connection), so
        // the replica promoted after the kill holds the value the re-sent read must return.
        for (i, key) in keys.enumerated() {
            let port = "\(map.shards[i].master.port)"
            let r = try redisCli(["-p", port], stdin: "set \(key) before\nwait 1 5000\n")
            #expect(r.out == "OK\n1\n", "written and replicated: \(r.out)\(r.err)")
        }
        let busy = "local i = 0 while i < 75000000 do i = i + 1 end "

        func underKill(_ extra: [String], _ line: String, victim: NodeAddress) throws -> RunResult {
            let process = testProcess(TestEnvironment.rcli, ["-c", "-p", "\(seed.port)"] + extra)
            let input = Pipe()
            let output = Pipe()
            let errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            try input.fileHandleForWriting.close()
            // Killed while the command runs there: once the node stops answering PING.
            let probe = try Connection(endpoint: .tcp(host: "127.0.0.1", port: victim.port), connectTimeout: 2)
            _ = waitUntil(10) {
                (try? probe.roundTrip([Array("PING".utf8)], deadline: monotonicSeconds() + 0.2)) == nil
            }
            try cluster.kill(victim.port)
            let ended = waitUntil(60) { !process.isRunning }
            if !ended { Glibc.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return RunResult(
                stdout: Array(output.fileHandleForReading.readDataToEndOfFile()),
                stderr: Array(errors.fileHandleForReading.readDataToEndOfFile()),
                status: ended ? process.terminationStatus : -1)
        }

        let read = try underKill(
            [], "eval_ro \"\(busy) return redis.call('get', KEYS[1])\" 1 \(keys[0])", victim: map.shards[0].master)
        #expect(read.status == 0 && read.out == "before\n", "the read is answered by the new master: \(read.err)")
        #expect(read.err.hasSuffix("rcli: -c: re-sent after a lost connection: 1 (reads 1, writes 0)\n"), "\(read.err)")

        let setAfter = "\"\(busy) redis.call('set', KEYS[1], 'after') return 'done'\" 1"
        let plain = try underKill([], "eval \(setAfter) \(keys[1])", victim: map.shards[1].master)
        #expect(plain.status == 1 && plain.out.isEmpty)
        #expect(plain.err.contains("may or may not have run"), "a write is not repeated by default: \(plain.err)")

        // Two masters failing at once leave no majority to promote either replica: let this
        // failover finish first.
        let promoted = waitUntil(30) {
            (try? cluster.map(from: seed.port).masters.contains(map.shards[1].master)) == false
                && cluster.info(seed.port, "cluster").contains("cluster_state:ok")
        }
        try #require(promoted, "shard 1's replica was promoted")
        let retried = try underKill(["--retry-writes"], "eval \(setAfter) \(keys[2])", victim: map.shards[2].master)
        #expect(retried.status == 0 && retried.out == "done\n", "\(retried.err)")
        #expect(retried.err.hasSuffix("re-sent after a lost connection: 1 (reads 0, writes 1)\n"), "\(retried.err)")
        #expect(try rcli(["-c", "-p", "\(seed.port)", "get", keys[2]]).out == "after\n")
    }

    /// `--pipe -c` with a master SIGKILLed while it runs the first of many requests for it: the
    /// requests written to it are counted as lost (may or may not have run), the other nodes'
    /// replies are counted, and nothing is counted twice (the requests after the first travel
    /// in one batch: each is still accounted for).
    @Test func aMasterLostMidPipeIsCountedPerNode() throws {
        let cluster = try OwnCluster()
        let map = try cluster.map()
        try #require(map.shards.count == 3 && map.shards.allSatisfy { !$0.replicas.isEmpty })
        let seed = map.shards[0].replicas[0]
        let victim = map.shards[1].master
        let p = uniquePrefix()
        let tag = try #require(cluster.keys("\(p)v", on: victim, count: 1).first)
        let others = try cluster.keys("\(p)o", on: map.shards[0].master, count: 30)
        func request(_ args: [String]) -> String {
            "*\(args.count)\r\n" + args.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
        }
        let busy = "local i = 0 while i < 75000000 do i = i + 1 end return 1"
        var input = others.prefix(15).map { request(["SET", $0, "v"]) }.joined()
        input += request(["EVAL", busy, "1", "{\(tag)}busy"])
        input += (0..<50).map { request(["SET", "{\(tag)}k\($0)", "v"]) }.joined()
        input += others.suffix(15).map { request(["SET", $0, "v"]) }.joined()

        let process = testProcess(TestEnvironment.rcli, ["-c", "-p", "\(seed.port)", "--pipe"])
        let stdin = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let probe = try Connection(endpoint: .tcp(host: "127.0.0.1", port: victim.port), connectTimeout: 2)
        let busyNow = waitUntil(10) {
            (try? probe.roundTrip([Array("PING".utf8)], deadline: monotonicSeconds() + 0.2)) == nil
        }
        try #require(busyNow, "the script runs on the victim")
        try cluster.kill(victim.port)
        let ended = waitUntil(60) { !process.isRunning }
        if !ended { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(ended && process.terminationStatus == 1, "\(out)\(err)")
        #expect(err.contains("(\(victim)); 51 commands sent to it may or may not have run\n"), "\(err)")
        #expect(out.contains("\(victim): errors: 51, replies: 0\n"), "\(out)")
        #expect(out.contains("\(map.shards[0].master): errors: 0, replies: 30\n"), "\(out)")
        #expect(out.hasSuffix("errors: 51, replies: 30\n"), "\(out)")
    }
}
