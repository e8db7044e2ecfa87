import RESP
import Testing

@testable import Cluster

private func s(_ t: String) -> RESPValue { .bulkString(Array(t.utf8)) }

private func node(
    _ ip: String, _ port: Int64, _ role: String, _ health: String = "online", hostname: String? = nil,
    endpoint: String? = nil, id: String = "x"
) -> RESPValue {
    var items: [RESPValue] = [
        s("id"), s(id), s("port"), .integer(port), s("ip"), s(ip), s("endpoint"), s(endpoint ?? ip),
        s("role"), s(role), s("health"), s(health),
    ]
    if let hostname { items += [s("hostname"), s(hostname)] }
    return .array(items)
}

@Test func shardsReplyBuildsTheSlotMap() throws {
    let reply: RESPValue = .array([
        .array([
            s("slots"), .array([.integer(0), .integer(5460), .integer(10923), .integer(10999)]),
            s("nodes"),
            .array([
                node("10.0.0.1", 7000, "master", hostname: "a.example.com"),
                node("10.0.0.2", 7001, "replica", "loading"), node("10.0.0.3", 7002, "replica"),
            ]),
        ]),
        .array([
            s("slots"), .array([.integer(5461), .integer(10922)]),
            s("nodes"), .array([node("", 7003, "master")]),
        ]),
    ])
    let map = try Topology.fromShards(reply, seedHost: "seed.example.com")
    // The endpoint is what MOVED names and what is dialled; the hostname is kept for TLS.
    #expect(map.master(for: 0) == NodeAddress(host: "10.0.0.1", port: 7000))
    #expect(map.master(for: 10999) == NodeAddress(host: "10.0.0.1", port: 7000))
    #expect(map.names[NodeAddress(host: "10.0.0.1", port: 7000)]?.hostname == "a.example.com")
    #expect(map.names[NodeAddress(host: "10.0.0.1", port: 7000)]?.ip == nil)
    #expect(map.names[NodeAddress(host: "10.0.0.3", port: 7002)] == nil)
    #expect(
        map.replicas(for: 100) == [
            NodeAddress(host: "10.0.0.3", port: 7002), NodeAddress(host: "10.0.0.2", port: 7001),
        ],
        "healthy replicas first")
    #expect(map.master(for: 6000) == NodeAddress(host: "seed.example.com", port: 7003), "an empty ip means the seed")
    #expect(map.master(for: 11000) == nil)
    #expect(map.coveredSlots == 5461 + 77 + 5462)
}

@Test func aHostnameEndpointKeepsTheIPToFallBackOn() throws {
    let reply: RESPValue = .array([
        .array([
            s("slots"), .array([.integer(0), .integer(16383)]), s("nodes"),
            .array([
                node("10.0.0.1", 7000, "master", hostname: "a.invalid", endpoint: "a.invalid", id: "id-a"),
                node("10.0.0.2", 7001, "replica", endpoint: "?", id: "id-b"),
            ]),
        ])
    ])
    let map = try Topology.fromShards(reply, seedHost: "seed")
    let a = NodeAddress(host: "a.invalid", port: 7000)
    #expect(map.master(for: 1) == a)
    #expect(map.names[a] == NodeNames(endpoint: "a.invalid", hostname: "a.invalid", ip: "10.0.0.1"))
    #expect(map.names[a]?.hostname == nil && map.names[a]?.ip == "10.0.0.1")
    #expect(map.replicas(for: 1) == [NodeAddress(host: "10.0.0.2", port: 7001)], "an unknown endpoint: the IP")
    #expect(Topology.endpoints(fromShards: reply) == ["id-a": "a.invalid"])
    // --nat-map: a translated node is dialled where the map says, not at its IP.
    let translated = map.mapNodes { $0 == a ? NodeAddress(host: "nat.example", port: 9000) : $0 }
    #expect(translated.names[NodeAddress(host: "nat.example", port: 9000)] == nil)
    // CLUSTER SLOTS: the first field is the endpoint; the metadata has the other name.
    let slots: RESPValue = .array([
        .array([
            .integer(0), .integer(16383),
            .array([s("10.0.0.1"), .integer(7000), s("id1"), .array([s("hostname"), s("a.example.com")])]),
            .array([s("b.invalid"), .integer(7001), s("id2"), .array([s("ip"), s("10.0.0.2")])]),
        ])
    ])
    let fromSlots = try Topology.fromSlots(slots, seedHost: "seed")
    #expect(fromSlots.master(for: 0) == NodeAddress(host: "10.0.0.1", port: 7000))
    #expect(fromSlots.names[NodeAddress(host: "10.0.0.1", port: 7000)]?.hostname == "a.example.com")
    #expect(fromSlots.names[NodeAddress(host: "b.invalid", port: 7001)]?.ip == "10.0.0.2")
}

@Test func slotsReplyBuildsTheSameMap() throws {
    let reply: RESPValue = .array([
        .array([
            .integer(0), .integer(5460), .array([s("127.0.0.1"), .integer(7000), s("id1")]),
            .array([s("127.0.0.1"), .integer(7003), s("id4")]),
        ]),
        .array([.integer(5461), .integer(16383), .array([s(""), .integer(7001), s("id2")])]),
    ])
    let map = try Topology.fromSlots(reply, seedHost: "127.0.0.9")
    #expect(map.master(for: 5460) == NodeAddress(host: "127.0.0.1", port: 7000))
    #expect(map.replicas(for: 1) == [NodeAddress(host: "127.0.0.1", port: 7003)])
    #expect(map.master(for: 16383) == NodeAddress(host: "127.0.0.9", port: 7001))
    #expect(map.coveredSlots == 16384)
}

@Test func movedUpdatesOneSlot() throws {
    var map = SlotMap(shards: [(Shard(master: NodeAddress(host: "a", port: 1), replicas: []), [0...16383])])
    map.moved(slot: 42, to: NodeAddress(host: "b", port: 2))
    #expect(map.master(for: 42) == NodeAddress(host: "b", port: 2))
    #expect(map.master(for: 43) == NodeAddress(host: "a", port: 1))
    #expect(map.masters.count == 2)
}

@Test func malformedTopologiesAreErrors() {
    #expect(throws: Topology.Malformed.self) { try Topology.fromShards(.integer(1), seedHost: "x") }
    #expect(throws: Topology.Malformed.self) {
        try Topology.fromSlots(.array([.array([.integer(5), .integer(1), .array([])])]), seedHost: "x")
    }
    #expect(throws: Topology.Malformed.self) {
        try Topology.fromShards(
            .array([.array([s("slots"), .array([.integer(0), .integer(10)]), s("nodes"), .array([])])]), seedHost: "x")
    }
}

@Test func shardsWithoutSlotsAreLeftOut() throws {
    // After a failover, the old master is listed in a shard of its own, without slots.
    let reply: RESPValue = .array([
        .array([
            s("slots"), .array([.integer(0), .integer(16383)]), s("nodes"), .array([node("10.0.0.2", 7001, "master")]),
        ]),
        .array([s("slots"), .array([]), s("nodes"), .array([node("10.0.0.1", 7000, "master", "fail")])]),
    ])
    let map = try Topology.fromShards(reply, seedHost: "seed")
    #expect(map.masters == [NodeAddress(host: "10.0.0.2", port: 7001)], "tool modes must not scan a dead ex-master")
    #expect(map.nodes.count == 1)
}

@Test func aShardListedWithoutSlotsTakesThemFromClusterSlots() {
    // Redis 8.2: a shard whose master failed (its replica too) has no slots in CLUSTER SHARDS,
    // while CLUSTER SLOTS still names the failed master.
    let a = NodeAddress(host: "10.0.0.1", port: 7000)
    let b = NodeAddress(host: "10.0.0.2", port: 7001)
    let ra = NodeAddress(host: "10.0.0.3", port: 7002)
    let shards = SlotMap(shards: [(Shard(master: a, replicas: [ra]), [0...8000])])
    let slots = SlotMap(shards: [
        (Shard(master: a, replicas: []), [0...8000]), (Shard(master: b, replicas: []), [8001...16383]),
    ])
    let filled = shards.fillingGaps(from: slots)
    #expect(filled.coveredSlots == HashSlot.count)
    #expect(filled.master(for: 9000) == b)
    #expect(filled.master(for: 10) == a && filled.replicas(for: 10) == [ra], "what SHARDS said stays")
    #expect(filled.masters == [a, b])
    #expect(shards.fillingGaps(from: SlotMap(shards: [])).coveredSlots == 8001)
}
