import Cluster
import Foundation
import RedisNet
import Testing

/// The fixture cluster exists and agrees with rcli's slot computation.
@Suite(.serialized) struct ClusterFixtureTests {
    static func ports() throws -> [String] {
        try TestEnvironment.port("RCLI_TEST_CLUSTER_PORTS").split(separator: ",").map(String.init)
    }

    @Test func fixtureIsASixNodeClusterWithThreeMasters() throws {
        let ports = try Self.ports()
        #expect(ports.count == 6)
        let nodes = try redisCli(["-p", ports[0], "cluster", "nodes"])
        let lines = nodes.out.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.filter { $0.contains("master") }.count == 3)
        #expect(lines.filter { $0.contains("slave") }.count == 3)
    }

    @Test func slotsMatchTheServersKeyslot() throws {
        let port = try Self.ports()[0]
        var keys = [
            "", "a", "foo", "123456789", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap", "é", "x{y}z{w}",
        ]
        for i in 0..<40 { keys.append("key:\(i * 7919)") }
        var script = ""
        for key in keys { script += "cluster keyslot \"\(key)\"\n" }
        let r = try redisCli(["-p", port], stdin: script)
        let slots = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { Int($0) }
        #expect(slots.count == keys.count)
        for (key, slot) in zip(keys, slots) {
            #expect(slot == HashSlot.slot(Array(key.utf8)), "slot of '\(key)'")
        }
    }

    @Test func topologyFromTheRealClusterRoutesEveryKeyWithoutRedirects() throws {
        let ports = try Self.ports()
        let conn = try Connection(endpoint: .tcp(host: "127.0.0.1", port: Int(ports[3]) ?? 0), connectTimeout: 5)
        let shards = try Topology.fromShards(
            try conn.roundTrip([Array("CLUSTER".utf8), Array("SHARDS".utf8)]), seedHost: "127.0.0.1")
        let slots = try Topology.fromSlots(
            try conn.roundTrip([Array("CLUSTER".utf8), Array("SLOTS".utf8)]), seedHost: "127.0.0.1")
        #expect(shards.coveredSlots == 16384)
        #expect(shards.shards.count == 3)
        #expect(shards.shards.allSatisfy { $0.replicas.count == 1 })
        for slot in stride(from: 0, to: 16384, by: 97) {
            #expect(shards.master(for: slot) == slots.master(for: slot), "slot \(slot)")
        }
        // Each key goes straight to its owner: no MOVED.
        for i in 0..<30 {
            let key = "rcli-route:\(i)"
            let owner = try #require(shards.master(for: HashSlot.slot(Array(key.utf8))))
            let r = try redisCli(["-p", String(owner.port), "get", key])
            #expect(!r.out.hasPrefix("MOVED"), "\(key) -> \(owner): \(r.out)")
        }
    }
}
