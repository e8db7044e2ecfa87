import Cluster
import Foundation
import RedisNet
import Testing

extension ClusterFixtureTests {
    @Test func shellShowsSlotsFollowsNodesAndNotesClusterNodesWithoutC() throws {
        let ports = try Self.ports()
        let seed = try #require(try Self.map().masters.first)
        let p = uniquePrefix()
        let key = try Self.key(
            "\(p)k",
            notOn: try { () throws -> String in
                // a key on the seed, so `key` is on another master
                for i in 0..<1000 where try Self.owner("\(p)s\(i)") == seed { return "\(p)s\(i)" }
                throw TestEnvironment.FixtureMissing()
            }())
        let owner = try Self.owner(key)
        let slot = HashSlot.slot(Array(key.utf8))
        let home = try scratchDirectory("home")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", "\(seed.port)"], environment: ["HOME": home.path])
        try shell.wait(for: "\(seed)> ")
        try shell.type("set \(key) v")
        try shell.wait(for: "[slot \(slot) → \(owner) master]")
        try shell.wait(for: "\(owner)> ")
        try shell.type(":set annotations off")
        try shell.type("get \(key)")
        try shell.wait(for: "\"v\"")
        #expect(try shell.screen().components(separatedBy: "[slot ").count == 2, "no annotation once turned off")
        try shell.type("mset \(key) 1 \(p)s0 2 \(p)other 3")
        // Ctrl-C abandons a blocking command; the shell goes on.
        try shell.type("blpop \(p)nothing 0")
        usleep(300_000)
        try shell.key("C-c")
        try shell.type("get \(key)")
        try shell.wait(for: "\"1\"")
        #expect(try shell.isAlive())
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }

        // Without -c, the first MOVED earns one note.
        let plain = try TmuxSession([TestEnvironment.rcli, "-p", "\(seed.port)"], environment: ["HOME": home.path])
        try plain.wait(for: "\(seed)> ")
        try plain.type("get \(key)")
        try plain.wait(for: "(error) MOVED \(slot) \(owner)")
        try plain.wait(for: "rcli -c follows MOVED/ASK redirects")
        try plain.type("get \(key)")
        try plain.wait(for: "two MOVED replies") { $0.components(separatedBy: "(error) MOVED").count == 3 }
        #expect(try plain.screen().components(separatedBy: "rcli -c follows").count == 2, "the note comes once")
        try plain.type("quit")
        try plain.wait(for: "shell exit") { _ in (try? plain.isAlive()) == false }

        // `:set autocluster on` in ~/.rclirc: cluster mode without -c.
        try ":set autocluster on\n".write(to: home.appendingPathComponent(".rclirc"), atomically: true, encoding: .utf8)
        let auto = try TmuxSession([TestEnvironment.rcli, "-p", "\(seed.port)"], environment: ["HOME": home.path])
        try auto.wait(for: "cluster mode is on (autocluster)")
        try auto.type("get \(key)")
        try auto.wait(for: "[slot \(slot) → \(owner) master]")
        try auto.wait(for: "\(owner)> ")
        try auto.type("quit")
        _ = try rcli(["-c", "-p", ports[0], "del", key, "\(p)s0", "\(p)other"])
    }
}

extension ClusterFixtureTests {
    /// A cluster of its own (the shared one must stay whole): a master is killed under a shell,
    /// and the next command for its slots waits for the failover instead of failing.
    @Test func masterKilledMidSessionIsFollowedToItsReplica() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rcli-failover-\(UUID().uuidString.prefix(8))")
        let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/redis-cluster").path
        // posix_spawn, not Process: the daemonized servers must not inherit the runner's
        // descriptors or its blocked signals.
        let started = spawnAndWait(script, ["start", dir.path, "2000"])
        defer {
            _ = spawnAndWait(script, ["stop", dir.path])
            try? FileManager.default.removeItem(at: dir)
        }
        #expect(started.status == 0)
        let ports = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(
            String.init)
        try #require(ports.count == 6)
        let conn = try Connection(endpoint: .tcp(host: "127.0.0.1", port: Int(ports[0]) ?? 0), connectTimeout: 5)
        let map = try Topology.fromShards(
            try conn.roundTrip([Array("CLUSTER".utf8), Array("SHARDS".utf8)]), seedHost: "127.0.0.1")
        let victim = try #require(map.masters.first { "\($0.port)" != ports[0] })
        let key = try #require(
            (0..<1000).map { "fo:\($0)" }.first { map.master(for: HashSlot.slot(Array($0.utf8))) == victim })
        let shell = try CoProcess(["-c", "-p", ports[0], "--verbose"])
        #expect(shell.send("set \(key) before") == ["OK"])
        let nodeDir = try #require(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).first { name in
                (try? String(
                    contentsOfFile: dir.appendingPathComponent(name).appendingPathComponent("redis.log").path,
                    encoding: .utf8))?
                    .contains("Running mode=cluster, port=\(victim.port)") ?? false
            })
        let pid = try String(
            contentsOfFile: dir.appendingPathComponent(nodeDir).appendingPathComponent("redis.pid").path,
            encoding: .utf8)
        #expect(kill(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, SIGKILL) == 0)
        let start = Date()
        #expect(shell.send("set \(key) after", timeout: 25) == ["OK"], "the write waits for the promoted replica")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(shell.send("get \(key)") == ["after"])
        let end = shell.finish()
        #expect(end.status == 0)
        #expect(end.err.contains("topology reloaded"), "\(end.err)")
    }
}
