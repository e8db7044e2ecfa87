import Cluster
import Testing

@testable import RcliCore

/// A generator that always gives the same sequence (the plans' randomness is only in the swaps).
private struct Fixed: RandomNumberGenerator {
    var state: UInt64 = 42
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

@Test func createSplitsSlotsWithRedisClisRounding() {
    #expect(CreatePlan.slotRanges(masters: 3) == [0...5460, 5461...10922, 10923...16383])
    #expect(CreatePlan.slotRanges(masters: 4).map(\.count) == [4096, 4096, 4096, 4096])
    #expect(CreatePlan.slotRanges(masters: 5).map(\.count) == [3277, 3277, 3276, 3277, 3277])
    #expect(CreatePlan.slotRanges(masters: 6).map(\.count) == [2731, 2730, 2731, 2731, 2730, 2731])
    #expect(CreatePlan.slotRanges(masters: 1) == [0...16383])
    #expect(CreatePlan.slotRanges(masters: 2) == [0...8191, 8192...16383])
    for m in 1...50 {
        let ranges = CreatePlan.slotRanges(masters: m)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 16383)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound }, "\(m)")
    }
}

@Test func createPlacesReplicasLikeRedisCli() {
    // Six nodes on one host (ports 7000-7005): replicas 7004→7000, 7005→7001, 7003→7002 before
    // the swaps; on one host no swap can help, so the score stays at 30000.
    var random = Fixed()
    let oneHost = CreatePlan.make(hosts: Array(repeating: "127.0.0.1", count: 6), replicas: 1, random: &random)
    #expect(oneHost.masters == [0, 1, 2])
    #expect(oneHost.added.map { [$0.0, $0.1] } == [[4, 0], [5, 1], [3, 2]])
    #expect(oneHost.initialScore == 30000)
    #expect(oneHost.antiAffinity(hosts: Array(repeating: "127.0.0.1", count: 6)).score == 30000)

    // Three hosts, two nodes each: masters one per host, and no replica beside its master.
    let hosts = ["a", "a", "b", "b", "c", "c"]
    for seed in 0..<20 {
        var r = Fixed(state: UInt64(seed))
        let plan = CreatePlan.make(hosts: hosts, replicas: 1, random: &r)
        #expect(Set(plan.masters.map { hosts[$0] }) == ["a", "b", "c"])
        #expect(plan.antiAffinity(hosts: hosts).score == 0, "seed \(seed)")
        for (node, master) in plan.replicaOf.enumerated() {
            if let m = master { #expect(hosts[node] != hosts[plan.masters[m]]) }
        }
    }
    // Leftover nodes become extra replicas, one more per master at most.
    var r = Fixed()
    let extra = CreatePlan.make(hosts: ["h1", "h2", "h3", "h1", "h2", "h3", "h1"], replicas: 1, random: &r)
    #expect(extra.masters.count == 3)
    #expect(extra.extraPassAt == 3)
    #expect(extra.replicaOf.compactMap { $0 }.count == 4)
    // Interleaving takes one node per host in turn.
    #expect(CreatePlan.interleave(hosts: ["a", "a", "a", "b", "b", "c"]) == [0, 3, 5, 1, 4, 2])
}

@Test func clusterNodesLinesAreParsed() throws {
    let line: Substring =
        "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 10.0.0.1:7000@17000,node-1.example myself,master - 0 0 3 connected "
        + "0-5460 5462 [5461->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f] "
        + "[5463-<-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]"
    let node = try #require(ManagerNode.parse(line))
    #expect(node.id == "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")
    #expect(node.address == NodeAddress(host: "10.0.0.1", port: 7000), "the IP, as redis-cli")
    #expect(node.ip == "10.0.0.1" && node.hostname == "node-1.example", "the announced name, for TLS")
    #expect(node.flags == ["master"] && node.isMaster && node.configEpoch == 3)
    #expect(node.slots == [0...5460, 5462...5462] && node.slotCount == 5462)
    #expect(node.migrating == [5461: "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f"])
    #expect(node.importing == [5463: "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f"])
    #expect(ManagerNode.rangesText(node.slots) == "[0-5460],[5462]")
    let replica = try #require(
        ManagerNode.parse("abc ::1:7001@17001 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 0 3 connected"))
    #expect(replica.address == NodeAddress(host: "::1", port: 7001) && replica.hostname == nil)
    #expect(!replica.isMaster && replica.masterID == "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")
    #expect(ManagerNode.parse("garbage") == nil)
    #expect(ManagerNode.ranges([5, 1, 2, 3, 9]) == [1...3, 5...5, 9...9])
}

@Test func managerAddressesTakeRedisClisFormsAndIPv6() {
    #expect(ManagerAddress.parse("127.0.0.1:7000") == NodeAddress(host: "127.0.0.1", port: 7000))
    #expect(ManagerAddress.parse("[::1]:7000") == NodeAddress(host: "::1", port: 7000))
    #expect(ManagerAddress.parse("::1:7000") == NodeAddress(host: "::1", port: 7000), "split at the last colon")
    #expect(ManagerAddress.parse("node-1.example:7000") == NodeAddress(host: "node-1.example", port: 7000))
    #expect(ManagerAddress.parse("host:0") == nil && ManagerAddress.parse("host") == nil)
    #expect(ManagerAddress.take(["10.0.0.1", "7000", "x"])?.1 == 2)
    #expect(ManagerAddress.text(NodeAddress(host: "::1", port: 7000)) == "[::1]:7000")
}

@Test func reshardPlansWithRedisClisArithmetic() {
    // Two sources of 5461 slots and an empty one, 10 slots: 5 + 5 + 0, lowest slots first.
    let plan = ReshardPlan.make(count: 10, sources: [[0...5460], [10923...16383], []])
    #expect(plan.map(\.slot) == [0, 1, 2, 3, 4, 10923, 10924, 10925, 10926, 10927])
    #expect(plan.map(\.source) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    // The biggest source goes first and rounds up; the others round down (redis-cli can come
    // out short: 10 from four equal sources gives 3 + 2 + 2 + 2).
    let four = ReshardPlan.make(count: 10, sources: Array(repeating: [0...4095], count: 4))
    #expect(four.count == 9)
    let uneven = ReshardPlan.make(count: 100, sources: [[0...99], [100...5099, 6000...6099]])
    #expect(uneven.first?.source == 1, "most slots first")
    #expect(uneven.count <= 100 && uneven.allSatisfy { $0.slot >= 0 })
    #expect(ReshardPlan.make(count: 5, sources: [[]]).isEmpty)
}

@Test func rebalancePlansLikeRedisCli() {
    typealias N = RebalancePlan.Node
    // Three full masters and an empty one taking part: 4096 each, the empty one fed by all.
    let even = RebalancePlan.make(
        [
            N(slots: 5461, weight: 1, involved: true), N(slots: 5462, weight: 1, involved: true),
            N(slots: 5461, weight: 1, involved: true), N(slots: 0, weight: 1, involved: true),
        ], threshold: 2)
    #expect(even.needed)
    #expect(even.moves.map(\.to) == [3, 3, 3])
    #expect(even.moves.map(\.count).reduce(0, +) == 4096)
    // Within the threshold: nothing to do; a threshold of 0 never rebalances (as redis-cli).
    let close = [N(slots: 8190, weight: 1, involved: true), N(slots: 8194, weight: 1, involved: true)]
    #expect(!RebalancePlan.make(close, threshold: 2).needed)
    #expect(
        !RebalancePlan.make(
            [N(slots: 16384, weight: 1, involved: true), N(slots: 0, weight: 1, involved: true)], threshold: 0
        ).needed)
    // Weight 0 drains a master; replicas (not involved) are never touched.
    let drain = RebalancePlan.make(
        [
            N(slots: 8192, weight: 0, involved: true), N(slots: 0, weight: 0, involved: false),
            N(slots: 8192, weight: 1, involved: true),
        ], threshold: 2)
    #expect(drain.moves == [RebalancePlan.Move(from: 0, to: 2, count: 8192)])
    #expect(!RebalancePlan.make([N(slots: 10, weight: 0, involved: true)], threshold: 2).needed, "no weight at all")
}

@Test func keyspaceLinesGiveKeysPerDatabase() {
    let text =
        "# Keyspace\r\ndb0:keys=5,expires=0,avg_ttl=0\r\n"
        + "db3:keys=12,expires=1,avg_ttl=10,keys_with_volatile_items=0\r\ndb15:keys=0,expires=0\r\n"
        + "dbx:keys=9\r\nnot-a-db:keys=7\r\n"
    #expect(ManagedCluster.keyspace(text) == [0: 5, 3: 12])
    #expect(ManagedCluster.keyspace("# Keyspace\r\n").isEmpty)
    // Redis 8 adds fields after the count.
    #expect(ManagedCluster.keyspace("db0:keys=1,expires=0,avg_ttl=0,subexpiry=0\n") == [0: 1])
}

/// The anti-affinity score worked out once per layout (linear in the nodes) gives what the
/// straightforward reading gives (per host, every node looked up in the masters): same score,
/// same offenders in the same order, on random layouts of several hosts.
@Test func antiAffinityScoreMatchesTheStraightforwardReading() {
    func reference(_ plan: CreatePlan, _ hosts: [String]) -> (Int, [Int]) {
        var score = 0
        var offenders: [Int] = []
        var seen: [String] = []
        for host in hosts where !seen.contains(host) { seen.append(host) }
        for host in seen {
            var groups: [Int: (master: Bool, replicas: [Int])] = [:]
            var order: [Int] = []
            for node in hosts.indices where hosts[node] == host {
                if let m = plan.masters.firstIndex(of: node) {
                    if groups[m] == nil { order.append(m) }
                    groups[m, default: (false, [])].master = true
                } else if let m = plan.replicaOf[node] {
                    if groups[m] == nil { order.append(m) }
                    groups[m, default: (false, [])].replicas.append(node)
                }
            }
            for m in order {
                guard let g = groups[m], g.replicas.count + (g.master ? 1 : 0) >= 2 else { continue }
                score += g.master ? 10000 * g.replicas.count : g.replicas.count
                if let first = g.replicas.first { offenders.append(first) }
            }
        }
        return (score, offenders)
    }
    var random = Fixed(state: 7)
    var nonZero = 0
    for round in 0..<200 {
        let count = 6 + round % 40
        let hosts = (0..<count).map { _ in "h\(Int.random(in: 0..<(1 + round % 5), using: &random))" }
        // Random masters, every other node a replica of a random master (bad layouts included).
        var masters: [Int] = []
        for _ in 0..<(2 + round % 5) {
            let node = Int.random(in: 0..<count, using: &random)
            if !masters.contains(node) { masters.append(node) }
        }
        let replicaOf: [Int?] = (0..<count).map { node in
            masters.contains(node) ? nil : Int.random(in: 0..<masters.count, using: &random)
        }
        let plan = CreatePlan(
            masters: masters, slots: CreatePlan.slotRanges(masters: masters.count), replicaOf: replicaOf, added: [],
            extraPassAt: nil)
        let (score, offenders) = plan.antiAffinity(hosts: hosts)
        let expected = reference(plan, hosts)
        #expect(score == expected.0 && offenders == expected.1, "round \(round): \(hosts)")
        if score > 0 { nonZero += 1 }
    }
    #expect(nonZero > 50, "the layouts compared include bad ones")
}
