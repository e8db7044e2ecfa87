import Cluster
import RESP
import RedisNet
import Testing

@testable import RcliCore

/// `ClusterTransport` over scripted nodes (`ScriptedCluster`), without sockets: routing by slot,
/// MOVED and ASK, split commands, and what becomes of commands when a link is lost, times out or
/// cannot be connected. The loop is the engine's (service, events, wait, readiness), its clock a
/// number the driver moves to the next deadline when nothing is ready.

private let a = NodeAddress(host: "10.0.0.1", port: 7001)
private let b = NodeAddress(host: "10.0.0.2", port: 7002)
private let c = NodeAddress(host: "10.0.0.3", port: 7003)
private let newNode = NodeAddress(host: "10.0.0.4", port: 7004)

private func threeShards() -> ScriptedCluster {
    ScriptedCluster([(a, 0...5460), (b, 5461...10922), (c, 10923...16383)])
}

private func text(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

/// The transport over `cluster`, and the engine's side of the loop.
private final class Driver {
    let cluster: ScriptedCluster
    let transport: ClusterTransport
    private let reactor = Reactor()
    /// The loop's clock (seconds).
    private(set) var now = 1000.0
    let start = 1000.0
    /// What the transport reported, in order, with the time it came.
    private(set) var events: [(at: Double, event: TransportEvent)] = []
    private var nextID = 0

    init(
        _ cluster: ScriptedCluster, replyTimeout: Double = 30, retryBudget: Double = 20, connectTimeout: Double = 3
    ) {
        self.cluster = cluster
        var settings = ConnectionSettings()
        settings.connectTimeout = connectTimeout
        let template = Session(settings: settings, password: nil)
        var policy = ClusterRouter.Policy()
        policy.retryBudget = retryBudget
        let seed = cluster.shards[0].master
        let router = ClusterRouter(map: cluster.map, current: seed, seeds: [seed], policy: policy)
        let pool = ClusterPool(template: template, router: router, connector: cluster.connector, report: nil)
        transport = ClusterTransport(pool: pool, replyTimeout: replyTimeout, report: nil)
    }

    /// Submits a command (words split on spaces); its entry id.
    @discardableResult
    func send(_ line: String) -> EntryID {
        let args = line.split(separator: " ").map { Array($0.utf8) }
        let id = nextID
        nextID += 1
        transport.submit(id, Outbound(args: args, traits: CommandTraits(args)), now: now)
        return id
    }

    /// Runs the loop until `done` (or `seconds` of its clock pass): what is ready is handled at
    /// once; when nothing is, the clock moves to the transport's next deadline.
    func run(within seconds: Double = 60, until done: () -> Bool) throws {
        let end = now + seconds
        while !done() && now <= end {
            transport.service(now: now)
            drain()
            if done() { break }
            let deadline = transport.prepareWait(reactor, now: now)
            let ready = try reactor.wait(until: 0)
            transport.handle(ready, now: now)
            drain()
            if ready.timedOut { now = max(now + 0.001, deadline ?? now + 0.1) }
        }
    }

    /// Runs until `ids` all have a reply or failure.
    func run(within seconds: Double = 60, untilSettled ids: [EntryID]) throws {
        try run(within: seconds) { ids.allSatisfy { settled($0) } }
    }

    private func drain() {
        while let event = transport.nextEvent(now: now) { events.append((now, event)) }
    }

    /// The reply for `id`, if one came.
    func reply(_ id: EntryID) -> RESPValue? {
        for (_, event) in events { if case .reply(id, let value, _) = event { return value } }
        return nil
    }

    /// The failure reported for `id`, if any.
    func failure(_ id: EntryID) -> CommandFailure? {
        for (_, event) in events { if case .failed(id, let failure, _) = event { return failure } }
        return nil
    }

    /// The entries a lost link to `node` reported as possibly run.
    func lost(on node: NodeAddress) -> [EntryID] {
        events.flatMap { _, event -> [EntryID] in
            if case .linkLost(node, _, let entries) = event { return entries }
            return []
        }
    }

    /// The redirects and retries reported for `id`.
    func reroutes(_ id: EntryID) -> [RouteReason] {
        events.compactMap { _, event in
            if case .rerouted(id, let reason) = event { return reason }
            return nil
        }
    }

    /// When `id` was answered or failed.
    func settledAt(_ id: EntryID) -> Double? {
        for (at, event) in events {
            switch event {
            case .reply(id, _, _), .failed(id, _, _): return at
            case .linkLost(_, _, let entries) where entries.contains(id): return at
            default: continue
            }
        }
        return nil
    }

    func settled(_ id: EntryID) -> Bool { settledAt(id) != nil }
}

@Test func eachCommandGoesToTheMasterOfItsSlotManyInFlightPerNode() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let (ka1, ka2, kb, kc) = (cluster.key(on: a), cluster.key(on: a, "x"), cluster.key(on: b), cluster.key(on: c))
    cluster.hold(a)
    let ids = [d.send("GET \(ka1)"), d.send("SET \(kb) v"), d.send("GET \(ka2)"), d.send("GET \(kc)")]
    try d.run(untilSettled: [ids[1], ids[3]])
    #expect(cluster.lines(a) == ["GET \(ka1)", "GET \(ka2)"], "both written before either is answered")
    #expect(cluster.lines(b) == ["SET \(kb) v"])
    #expect(cluster.lines(c) == ["GET \(kc)"])
    #expect(!d.settled(ids[0]) && !d.settled(ids[2]))
    cluster.release(a)
    try d.run(untilSettled: ids)
    #expect(d.reply(ids[0]) == text("\(ka1)@7001"))
    #expect(d.reply(ids[1]) == .simpleString(Array("OK".utf8)))
    #expect(d.reply(ids[2]) == text("\(ka2)@7001"))
    #expect(d.reply(ids[3]) == text("\(kc)@7003"))
    #expect(d.events.allSatisfy { $0.at == d.start }, "nothing waited on a clock")
}

@Test func aMovedReplyMovesTheSlotAndTheCommandGoesToTheNewOwner() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let key = cluster.key(on: a)
    let slot = HashSlot.slot(Array(key.utf8))
    cluster.script[a] = { _, _ in .reply(.error(Array("MOVED \(slot) 10.0.0.2:7002".utf8))) }
    let first = d.send("GET \(key)")
    try d.run(untilSettled: [first])
    #expect(d.reroutes(first) == [.moved(slot: slot, node: b)])
    #expect(d.reply(first) == text("\(key)@7002"))
    #expect(d.transport.pool.router.map.master(for: slot) == b)
    let second = d.send("GET \(key)")
    try d.run(untilSettled: [second])
    #expect(d.reply(second) == text("\(key)@7002"))
    #expect(cluster.lines(a) == ["GET \(key)"], "the second went straight to the new owner")
    #expect(cluster.lines(b) == ["GET \(key)", "GET \(key)"])
}

@Test func aMovedReplyToANodeNotInTheMapReloadsTheTopology() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let key = cluster.key(on: c)
    let slot = HashSlot.slot(Array(key.utf8))
    // C's slots moved to a node the map does not know yet; the cluster says so when asked.
    cluster.script[c] = { _, _ in .reply(.error(Array("MOVED \(slot) 10.0.0.4:7004".utf8))) }
    cluster.shards[2].master = newNode
    let id = d.send("GET \(key)")
    try d.run { d.settled(id) && !d.transport.pool.router.reloadWanted && !d.transport.pool.isReloading }
    #expect(d.reply(id) == text("\(key)@7004"))
    #expect(cluster.received.values.contains { $0.contains(["CLUSTER", "SHARDS"]) }, "a node was asked for the map")
    #expect(d.transport.pool.router.map.masters == [a, b, newNode])
    #expect(d.transport.pool.router.map.master(for: 16383) == newNode, "the whole shard, not only the slot")
}

@Test func anAskReplySendsAskingFirstAndLeavesTheMapAsItWas() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let key = cluster.key(on: a)
    let slot = HashSlot.slot(Array(key.utf8))
    // The slot is being migrated to B: A sends the first command there, once.
    cluster.script[a] = { _, count in count == 1 ? .reply(.error(Array("ASK \(slot) 10.0.0.2:7002".utf8))) : nil }
    let first = d.send("GET \(key)")
    try d.run(untilSettled: [first])
    #expect(d.reroutes(first) == [.ask(slot: slot, node: b)])
    #expect(cluster.lines(b) == ["ASKING", "GET \(key)"])
    #expect(d.reply(first) == text("\(key)@7002"))
    #expect(d.transport.pool.router.map.master(for: slot) == a)
    let second = d.send("GET \(key)")
    try d.run(untilSettled: [second])
    #expect(d.reply(second) == text("\(key)@7001"), "ASK moves one command, not the slot")
}

@Test func aCommandOverSeveralShardsIsSplitAndItsRepliesMergedInKeyOrder() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let (ka, kb, kc) = (cluster.key(on: a), cluster.key(on: b), cluster.key(on: c))
    cluster.hold(c)
    let mget = d.send("MGET \(kc) \(ka) \(kb)")
    let del = d.send("DEL \(ka) \(kb) \(kc)")
    try d.run { cluster.lines(c).count == 2 }
    #expect(!d.settled(mget), "one part still owed")
    cluster.release(c)
    try d.run(untilSettled: [mget, del])
    #expect(d.reply(mget) == .array([text("\(kc)@7003"), text("\(ka)@7001"), text("\(kb)@7002")]))
    #expect(d.reply(del) == .integer(3), "the parts' counts add up")
    #expect(cluster.lines(a) == ["MGET \(ka)", "DEL \(ka)"])
}

@Test func aLinkLostWithCommandsInFlightResendsTheReadAndReportsTheWrite() throws {
    let cluster = threeShards()
    let d = Driver(cluster)
    let (ka, ka2, kb) = (cluster.key(on: a), cluster.key(on: a, "w"), cluster.key(on: b))
    cluster.hold(a)
    let read = d.send("GET \(ka)")
    let write = d.send("SET \(ka2) v")
    let other = d.send("GET \(kb)")
    try d.run { cluster.lines(a).count == 2 && d.settled(other) }
    // A dies with both written and unanswered; B takes its slots over.
    cluster.shards = [(b, 0...10922), (c, 10923...16383)]
    cluster.kill(a)
    try d.run(untilSettled: [read, write])
    #expect(d.lost(on: a) == [write], "a write that may have run is reported, never resent")
    #expect(d.failure(write) == nil)
    #expect(d.reply(read) == text("\(ka)@7002"), "a read is safe to send again, to the new owner")
    #expect(cluster.lines(b).filter { $0.hasPrefix("SET") }.isEmpty)
    #expect(d.transport.pool.router.map.master(for: HashSlot.slot(Array(ka.utf8))) == b)
}

@Test func aNodeThatStopsAnsweringHasItsCommandsReportedNotResentAfterTheReplyTimeout() throws {
    let cluster = threeShards()
    let d = Driver(cluster, replyTimeout: 2)
    let (ka, kb) = (cluster.key(on: a), cluster.key(on: b))
    cluster.hold(a)
    let read = d.send("GET \(ka)")
    let other = d.send("GET \(kb)")
    try d.run(untilSettled: [read, other])
    #expect(d.settledAt(other) == d.start, "the healthy shard answers at once")
    #expect(d.lost(on: a) == [read], "hung, not gone: even a read is not sent again to be waited on")
    #expect(try #require(d.settledAt(read)) >= d.start + 2)
    #expect(cluster.lines(a) == ["GET \(ka)"])
}

@Test func aNodeThatRefusesConnectionsIsReportedWhileTheOthersAnswer() throws {
    let cluster = threeShards()
    cluster.connects[c] = .refused
    let d = Driver(cluster, retryBudget: 1)
    let (ka, kc) = (cluster.key(on: a), cluster.key(on: c))
    let lost = d.send("GET \(kc)")
    let fine = d.send("GET \(ka)")
    try d.run(untilSettled: [lost, fine])
    #expect(d.settledAt(fine) == d.start)
    guard case .routing(.retriesExhausted) = d.failure(lost) else {
        Issue.record("expected the retry budget to run out, got \(String(describing: d.failure(lost)))")
        return
    }
    #expect(try #require(d.settledAt(lost)) <= d.start + 1.5)
    #expect((cluster.connectAttempts[c] ?? 0) > 1, "tried again within the budget")
    #expect(cluster.lines(c).isEmpty)
    // Given up: the next command for that shard fails at once instead of waiting the budget again.
    let next = d.send("GET \(kc)")
    let at = d.now
    try d.run(untilSettled: [next])
    guard case .routing(.shardDown) = d.failure(next) else {
        Issue.record("expected the shard to be given up, got \(String(describing: d.failure(next)))")
        return
    }
    #expect(d.settledAt(next) == at)
}

@Test func aConnectThatHangsHoldsUpOnlyItsOwnShard() throws {
    let cluster = threeShards()
    cluster.connects[c] = .hangs
    let d = Driver(cluster, retryBudget: 4, connectTimeout: 3)
    let (ka, kb, kc) = (cluster.key(on: a), cluster.key(on: b), cluster.key(on: c))
    let waiting = d.send("GET \(kc)")
    let ids = [d.send("GET \(ka)"), d.send("SET \(kb) v"), d.send("GET \(ka)")]
    try d.run(untilSettled: ids)
    #expect(ids.allSatisfy { d.settledAt($0) == d.start }, "answered while C's connect waits")
    #expect(!d.settled(waiting))
    try d.run(untilSettled: [waiting])
    guard case .routing = d.failure(waiting) else {
        Issue.record("expected a routing failure, got \(String(describing: d.failure(waiting)))")
        return
    }
    #expect(try #require(d.settledAt(waiting)) >= d.start + 3, "failed at the connect timeout, not before")
    #expect(cluster.lines(c).isEmpty, "a command waiting on a connect that never ends is never written")
}

@Test func commandsForANodeStillConnectingWaitForItAndGoInOrderOnceItIs() throws {
    let cluster = threeShards()
    cluster.connects[c] = .slow(1)
    let d = Driver(cluster)
    let (ka, kc1, kc2) = (cluster.key(on: a), cluster.key(on: c), cluster.key(on: c, "y"))
    let write = d.send("SET \(kc1) v")
    let fine = d.send("GET \(ka)")
    let read = d.send("GET \(kc2)")
    try d.run(untilSettled: [fine])
    #expect(d.settledAt(fine) == d.start)
    #expect(cluster.lines(c).isEmpty, "nothing written before the connect is done")
    try d.run(untilSettled: [write, read])
    #expect(cluster.lines(c) == ["SET \(kc1) v", "GET \(kc2)"])
    #expect(d.reply(read) == text("\(kc2)@7003"))
    #expect(d.settledAt(read) == d.start + 1)
    #expect(cluster.connectAttempts[c] == 1)
}
