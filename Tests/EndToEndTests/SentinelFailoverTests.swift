import Foundation
import Glibc
import Testing

/// A forced `SENTINEL FAILOVER` under a paced script of writes: every write rcli acknowledged is
/// on the new master afterwards, the switch is told, and the script goes on.
@Suite(.serialized)
struct SentinelFailoverTests {
    /// Writes `lines` one every 10 ms; the failover is forced after `before` of them. Returns
    /// stdout, stderr and the exit status.
    private func pacedScript(
        _ s: OwnSentinels, extra: [String], before: Int, lines: [String]
    ) throws -> (out: String, err: String, status: Int32) {
        // What Redis documents against losing writes in a failover: the master refuses writes
        // once its replica has left it (the replica is promoted), so none is acknowledged there.
        _ = try s.cli(s.master, ["config", "set", "min-replicas-to-write", "1"])
        let p = try PipedProcess(TestEnvironment.rcli, s.arguments + extra)
        for (i, line) in lines.enumerated() {
            if i == before {
                let r = try redisCli(["-p", "\(s.sentinels[0])", "sentinel", "failover", "mymaster"])
                #expect(r.out == "OK\n", "SENTINEL FAILOVER: \(r.out)")
            }
            try p.write(line + "\n")
            usleep(10_000)
            if i % 50 == 0 { p.drain(for: 0) }
        }
        try p.closeInput()
        let end = p.finish(within: 60)
        #expect(!end.signalled)
        return (p.out, end.err, end.status)
    }

    /// INCR with --retry-writes: the acknowledged counter values only go up (a write the old
    /// master acknowledged and then lost would make the new master count from lower again) and
    /// the new master ends at the last one.
    @Test func incrementsWithRetryWrites() throws {
        let s = try OwnSentinels()
        let lines = Array(repeating: "incr fo:ctr", count: 700)
        let run = try pacedScript(s, extra: ["--retry-writes"], before: 150, lines: lines)
        let acked = run.out.split(separator: "\n").compactMap { Int($0) }
        print("sentinel failover, INCR --retry-writes: \(acked.count) of \(lines.count) acknowledged")
        #expect(run.status == 0, "\(run.err)")
        #expect(acked.count == lines.count, "\(run.err)")
        #expect(zip(acked, acked.dropFirst()).allSatisfy { $0 < $1 }, "acknowledged values went down: \(acked)")
        #expect(run.err.contains("the master is now 127.0.0.1:\(s.replica) (was 127.0.0.1:\(s.master))"), "\(run.err)")
        let final = Int(try s.cli(s.replica, ["get", "fo:ctr"]).out.trimmingCharacters(in: .whitespacesAndNewlines))
        print("sentinel failover, INCR --retry-writes: the new master holds \(final ?? -1)")
        #expect(final == acked.last)
    }

    /// Without --retry-writes, each write says which key it set (EVAL returns it): every one
    /// acknowledged is on the new master; the others are reported as may or may not have run.
    @Test func writesWithoutRetry() throws {
        let s = try OwnSentinels()
        let lines = (0..<700).map { "eval \"redis.call('set', KEYS[1], ARGV[1]); return ARGV[1]\" 1 fw:\($0) \($0)" }
        let run = try pacedScript(s, extra: [], before: 150, lines: lines)
        let acked = run.out.split(separator: "\n").compactMap { Int($0) }
        let unknown = run.err.components(separatedBy: "may or may not have run").count - 1
        print("sentinel failover, EVAL SET: \(acked.count) acknowledged, \(unknown) may or may not have run")
        #expect(acked.count + unknown == lines.count, "\(run.out) \(run.err)")
        #expect(acked.count > 150)
        #expect(run.err.contains("the master is now 127.0.0.1:\(s.replica)"), "\(run.err)")
        var present = 0
        for chunk in stride(from: 0, to: acked.count, by: 100) {
            let keys = acked[chunk..<min(chunk + 100, acked.count)].map { "fw:\($0)" }
            let values = try s.cli(s.replica, ["mget"] + keys).out.split(
                separator: "\n", omittingEmptySubsequences: false)
            for (key, value) in zip(keys, values) where key == "fw:" + value { present += 1 }
        }
        print("sentinel failover, EVAL SET: \(present) of \(acked.count) acknowledged present on the new master")
        #expect(present == acked.count)
        // The script went on after the switch: the last line ran.
        #expect(acked.last == lines.count - 1 || run.err.contains("fw:\(lines.count - 1)"))
    }

    /// The master dies with commands written to it: the sentinels are asked until they name the
    /// replica; the reads it owed are sent there, the write is reported as may or may not have
    /// run (exit status 1) or, with --retry-writes, sent again too; the script goes on.
    @Test(arguments: [false, true]) func lostConnection(retryWrites: Bool) throws {
        let s = try OwnSentinels()
        let p = try PipedProcess(TestEnvironment.rcli, s.arguments + (retryWrites ? ["--retry-writes"] : []))
        try p.write("set lc:a 1\n")
        #expect(p.wait(for: "OK\n"))
        #expect(try waitUntil(10) { try s.cli(s.replica, ["get", "lc:a"]).out == "1\n" })
        // Blocking commands, so that they are still owed when the master dies.
        try p.write("xread block 4000 streams lc:s 0-0\nblpop lc:q 4\nget lc:a\n")
        usleep(300_000)
        try s.killMaster()
        usleep(200_000)
        try p.write("incr lc:n\n")
        try p.closeInput()
        let end = p.finish(within: 60)
        #expect(end.status == (retryWrites ? 0 : 1) && !end.signalled, "\(end.err)")
        // BLPOP, sent again, times out on the new master too (a nil, an empty line).
        #expect(p.out == (retryWrites ? "OK\n\n\n1\n1\n" : "OK\n\n1\n1\n"), "\(end.err)")
        #expect(end.err.contains("the master is now 127.0.0.1:\(s.replica) (was 127.0.0.1:\(s.master))"), "\(end.err)")
        #expect(end.err.contains("the command may or may not have run [BLPOP lc:q]") == !retryWrites, "\(end.err)")
        let resent = retryWrites ? "3 (reads 2, writes 1)" : "2 (reads 2, writes 0)"
        #expect(end.err.contains("re-sent after a lost connection: \(resent)"), "\(end.err)")
        #expect(try s.cli(s.replica, ["get", "lc:n"]).out == "1\n")
    }

    /// --sentinel-replica: the replica dies under a paced script of reads; no other replica is
    /// up, so the reads go to the master (said once) and every one is answered.
    @Test func replicaLost() throws {
        let s = try OwnSentinels()
        _ = try s.cli(s.master, ["set", "rl:k", "v"])
        #expect(try waitUntil(10) { try s.cli(s.replica, ["get", "rl:k"]).out == "v\n" })
        let p = try PipedProcess(TestEnvironment.rcli, s.arguments + ["--sentinel-replica"])
        for i in 0..<400 {
            if i == 100 { try s.killMaster(replica: true) }
            try p.write("get rl:k\n")
            usleep(5_000)
            if i % 50 == 0 { p.drain(for: 0) }
        }
        try p.closeInput()
        let end = p.finish(within: 60)
        #expect(end.status == 0 && !end.signalled, "\(end.err)")
        #expect(p.out == String(repeating: "v\n", count: 400), "\(end.err)")
        #expect(end.err.contains("reads go to the master"), "\(end.err)")
        #expect(end.err.split(separator: "\n").count <= 2, "\(end.err)")
    }
}
