import Foundation
import Testing
import Cluster

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
        var keys = ["", "a", "foo", "123456789", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap", "é", "x{y}z{w}"]
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
}
