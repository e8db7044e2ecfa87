import Cluster
import RESP
import RedisNet
import Testing

@testable import RcliCore

/// `TopologyQuery` fed replies by hand: what it asks next, and the map or failure it ends with.
private let endpoint = Endpoint.tcp(host: "10.0.0.1", port: 7000)

private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
private func error(_ s: String) -> RESPValue { .error(Array(s.utf8)) }
private let shards = [Array("CLUSTER".utf8), Array("SHARDS".utf8)]
private let slots = [Array("CLUSTER".utf8), Array("SLOTS".utf8)]

/// CLUSTER SLOTS with one range per (first, last, port) on 10.0.0.1.
private func slotsReply(_ ranges: [(Int64, Int64, Int64)]) -> RESPValue {
    .array(ranges.map { .array([.integer($0.0), .integer($0.1), .array([bulk("10.0.0.1"), .integer($0.2)])]) })
}

/// CLUSTER SHARDS with one shard per (first, last, port) on 10.0.0.1 (an empty range: no slots).
private func shardsReply(_ shards: [(slots: [Int64], port: Int64)]) -> RESPValue {
    .array(
        shards.map { shard in
            .map([
                bulk("slots"), .array(shard.slots.map { .integer($0) }),
                bulk("nodes"),
                .array([
                    .map([
                        bulk("port"), .integer(shard.port), bulk("endpoint"), bulk("10.0.0.1"), bulk("role"),
                        bulk("master"), bulk("health"), bulk("online"),
                    ])
                ]),
            ])
        })
}

private func done(_ step: TopologyQuery.Step) -> Result<SlotMap, RcliError>? {
    if case .done(let result) = step { return result }
    return nil
}

private func asks(_ step: TopologyQuery.Step) -> [[UInt8]]? {
    if case .send(let args) = step { return args }
    return nil
}

@Test func aFullShardsReplyIsTheMap() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    #expect(q.first == shards)
    let result = try #require(done(q.take(shardsReply([([0, 8191], 7000), ([8192, 16383], 7001)]))))
    let map = try result.get()
    #expect(map.masters.map(\.port) == [7000, 7001])
    #expect(map.coveredSlots == HashSlot.count)
}

@Test func shardsRefusedAsksSlots() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    #expect(asks(q.take(error("ERR unknown subcommand 'SHARDS'"))) == slots)
    let map = try #require(done(q.take(slotsReply([(0, 16383, 7002)])))).get()
    #expect(map.masters.map(\.port) == [7002])
}

@Test func clusterSupportDisabledIsNotACluster() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    let result = try #require(done(q.take(error("ERR This instance has cluster support disabled"))))
    guard case .failure(.notACluster) = result else {
        Issue.record("expected notACluster, got \(result)")
        return
    }
}

@Test func slotsRefusedTooIsARefusal() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    _ = q.take(error("ERR unknown subcommand"))
    let result = try #require(done(q.take(error("NOPERM no"))))
    guard case .failure(.topology(_, .refused(let why))) = result else {
        Issue.record("expected a refusal, got \(result)")
        return
    }
    #expect(why == "NOPERM no")
}

@Test func aMalformedReplyIsReportedAsSuch() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    let result = try #require(done(q.take(bulk("nonsense"))))
    guard case .failure(.topology(_, .malformed)) = result else {
        Issue.record("expected malformed, got \(result)")
        return
    }
}

@Test func gapsInShardsAreFilledFromSlots() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    // The shard whose master failed is listed without slots.
    #expect(asks(q.take(shardsReply([([0, 8191], 7000), ([], 7001)]))) == slots)
    let map = try #require(done(q.take(slotsReply([(0, 8191, 7000), (8192, 16383, 7003)])))).get()
    #expect(map.coveredSlots == HashSlot.count)
    #expect(map.master(for: 9000)?.port == 7003)
}

@Test func aFailureWhileFillingGapsKeepsWhatShardsSaid() throws {
    var q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    _ = q.take(shardsReply([([0, 8191], 7000)]))
    let map = try q.failed(.timeout("no reply")).get()
    #expect(map.coveredSlots == 8192)
}

@Test func aSourceThatDoesNotAnswerIsUnreachable() {
    let q = TopologyQuery(seedHost: "10.0.0.1", endpoint: endpoint)
    guard case .failure(.topology(let at, .unreachable(.timeout))) = q.failed(.timeout("no reply")) else {
        Issue.record("expected unreachable")
        return
    }
    #expect(at == endpoint)
    guard case .failure(.interrupted) = q.failed(.interrupted) else {
        Issue.record("expected interrupted")
        return
    }
}
