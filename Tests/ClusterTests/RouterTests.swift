import Testing

@testable import Cluster

private let a = NodeAddress(host: "10.0.0.1", port: 7000)
private let b = NodeAddress(host: "10.0.0.2", port: 7001)
private let c = NodeAddress(host: "10.0.0.3", port: 7002)
private let ra = NodeAddress(host: "10.0.0.4", port: 7003)
private let stranger = NodeAddress(host: "10.0.0.9", port: 7009)

private func threeShards() -> SlotMap {
    SlotMap(shards: [
        (Shard(master: a, replicas: [ra]), [0...5460]), (Shard(master: b, replicas: []), [5461...10922]),
        (Shard(master: c, replicas: []), [10923...16383]),
    ])
}

private func router(_ policy: ClusterRouter.Policy = .init()) -> ClusterRouter {
    ClusterRouter(map: threeShards(), current: b, seeds: [NodeAddress(host: "seed", port: 7000)], policy: policy)
}

private func err(_ s: String) -> [UInt8] { Array(s.utf8) }

@Test func routesBySlotAndKeylessToTheCurrentNode() {
    let r = router()
    #expect(r.route(RouteState(slot: 0, readOnly: false), now: 0).node == a)
    #expect(r.route(RouteState(slot: 12000, readOnly: true), now: 0).node == c)
    #expect(r.route(RouteState(slot: nil, readOnly: false), now: 0).node == b)
}

@Test func parsesRedirects() {
    #expect(
        Redirect.parse(err("MOVED 3999 127.0.0.1:6381"), replyingHost: "h")
            == .moved(slot: 3999, node: NodeAddress(host: "127.0.0.1", port: 6381)))
    #expect(
        Redirect.parse(err("ASK 1 :6381"), replyingHost: "h") == .ask(slot: 1, node: NodeAddress(host: "h", port: 6381))
    )
    #expect(
        Redirect.parse(err("MOVED 1 ::1:6381"), replyingHost: "h")
            == .moved(slot: 1, node: NodeAddress(host: "::1", port: 6381)))
    #expect(Redirect.parse(err("MOVED 99999 h:1"), replyingHost: "h") == .malformed("MOVED 99999 h:1"))
    #expect(Redirect.parse(err("MOVED 1 nohostport"), replyingHost: "h") == .malformed("MOVED 1 nohostport"))
    #expect(Redirect.parse(err("MOVED 1 h:0\u{1b}[2J"), replyingHost: "h") == .malformed("MOVED 1 h:0\\x1b[2J"))
    #expect(Redirect.parse(err("TRYAGAIN Multiple keys request during rehashing of slot"), replyingHost: "h") != nil)
    #expect(Redirect.parse(err("ERR unknown command"), replyingHost: "h") == nil)
    #expect(Redirect.parse(err("MOVEDX 1 h:1"), replyingHost: "h") == nil)
    // Found by fuzzing: a NUL cut the host short where it is resolved ("evil\0.example.com" is
    // looked up as "evil"), so an address with a byte that is not printable ASCII is malformed.
    #expect(
        Redirect.parse(err("MOVED 1 evil\u{0}.example.com:6379"), replyingHost: "h")
            == .malformed("MOVED 1 evil\\x00.example.com:6379"))
    #expect(Redirect.parse(err("ASK 1 h\u{7f}st:6379"), replyingHost: "h") == .malformed("ASK 1 h\\x7fst:6379"))
    #expect(Redirect.parse(Array("ASK 1 \u{ff}:6379".utf8), replyingHost: "h") == .malformed("ASK 1 \u{ff}:6379"))
}

@Test func movedUpdatesTheMapAndAskDoesNot() {
    var r = router()
    var s = RouteState(slot: 100, readOnly: false)
    let t = r.route(s, now: 0)
    #expect(
        r.errorReply(err("MOVED 100 10.0.0.3:7002"), from: t, state: &s, now: 0) == .resend(.moved(slot: 100, node: c)))
    #expect(r.route(s, now: 0).node == c)
    #expect(r.map.master(for: 100) == c)
    #expect(r.map.master(for: 101) == a, "only the one slot moves")
    #expect(!r.reloadWanted, "a known node needs no reload")

    var s2 = RouteState(slot: 200, readOnly: false)
    #expect(
        r.errorReply(err("ASK 200 10.0.0.2:7001"), from: r.route(s2, now: 0), state: &s2, now: 0)
            == .resend(.ask(slot: 200, node: b)))
    #expect(r.route(s2, now: 0) == RouteTarget(node: b, replica: false, asking: true))
    #expect(r.map.master(for: 200) == a)
    #expect(
        r.errorReply(err("ERR x"), from: RouteTarget(node: b, replica: false, asking: true), state: &s2, now: 0)
            == .deliver)
    #expect(r.route(s2, now: 0).node == a, "ASK holds for one attempt")
}

@Test func movedToAnUnknownNodeAsksForAReload() {
    var r = router()
    var s = RouteState(slot: 5, readOnly: false)
    _ = r.errorReply(err("MOVED 5 10.0.0.9:7009"), from: r.route(s, now: 0), state: &s, now: 0)
    #expect(r.reloadWanted)
    #expect(r.route(s, now: 0).node == stranger)
    r.install(threeShards())
    #expect(!r.reloadWanted)
    #expect(r.route(s, now: 0).node == a)
}

@Test func redirectLoopsEndAfterFive() {
    var r = router()
    var s = RouteState(slot: 5, readOnly: false)
    var decisions: [RouteDecision] = []
    for i in 0..<6 {
        let to = i % 2 == 0 ? "10.0.0.2:7001" : "10.0.0.1:7000"
        decisions.append(r.errorReply(err("MOVED 5 " + to), from: r.route(s, now: 0), state: &s, now: 0))
    }
    #expect(decisions.prefix(5).allSatisfy { if case .resend(.moved(slot: 5, _)) = $0 { true } else { false } })
    #expect(decisions[5] == .fail(.redirectLoop(slot: 5, last: "MOVED", node: a, limit: 5)))
    guard case .fail(let failure) = decisions[5] else {
        Issue.record("no failure: \(decisions)")
        return
    }
    #expect(failure.text.contains("redirect loop") && failure.text.contains("slot 5"))
    var s2 = RouteState(slot: 5, readOnly: false)
    for _ in 0..<5 { _ = r.errorReply(err("ASK 5 10.0.0.2:7001"), from: r.route(s2, now: 0), state: &s2, now: 0) }
    if case .fail = r.errorReply(err("ASK 5 10.0.0.2:7001"), from: r.route(s2, now: 0), state: &s2, now: 0) {
    } else {
        Issue.record("an ASK loop is not stopped")
    }
}

@Test func retriesBackOffWithinTheBudget() {
    var policy = ClusterRouter.Policy()
    policy.retryBudget = 2
    var r = router(policy)
    var s = RouteState(slot: 100, readOnly: false)
    var now = 10.0
    var waits: [Double] = []
    while true {
        let d = r.errorReply(err("CLUSTERDOWN The cluster is down"), from: r.route(s, now: now), state: &s, now: now)
        if case .wait(let until, _) = d {
            waits.append(until - now)
            now = until
            continue
        }
        guard case .fail(let failure) = d else {
            Issue.record("unexpected \(d)")
            return
        }
        #expect(failure == .retriesExhausted(seconds: 2, problem: "CLUSTERDOWN The cluster is down"))
        #expect(failure.text == "Error: gave up after 2s of retries: CLUSTERDOWN The cluster is down")
        break
    }
    #expect(abs((waits.first ?? 0) - 0.05) < 1e-9)
    #expect(waits.allSatisfy { $0 <= 1.0 })
    #expect(now == 12.0, "gives up when the budget is spent, not later")
    #expect(r.reloadWanted, "CLUSTERDOWN reloads the map")
}

@Test func unreachableNodesBackOffAndReloadFromOthersFirst() {
    var r = router()
    var s = RouteState(slot: 100, readOnly: false)
    let d = r.unreachable(r.route(s, now: 0), state: &s, now: 0, problem: "Connection refused")
    #expect(d == .wait(until: 0.05, problem: "Connection refused"))
    #expect(r.isDown(a, now: 0.01))
    #expect(!r.isDown(a, now: 0.06))
    #expect(r.reloadWanted)
    #expect(r.reloadSources(now: 0.01).first == b, "the current node first")
    #expect(r.reloadSources(now: 0.01).last == a, "the failed node last")
    #expect(r.reloadSources(now: 0.01).contains(NodeAddress(host: "seed", port: 7000)))
    // After failover the new map names the promoted replica; the command goes there.
    r.install(
        SlotMap(shards: [
            (Shard(master: ra, replicas: []), [0...5460]), (Shard(master: b, replicas: []), [5461...16383]),
        ]))
    #expect(r.route(s, now: 1).node == ra)
}

@Test func replicaReadsGoToReplicasAndFallBack() {
    var policy = ClusterRouter.Policy()
    policy.replicaReads = true
    var r = router(policy)
    var read = RouteState(slot: 1, readOnly: true)
    #expect(r.route(read, now: 0) == RouteTarget(node: ra, replica: true, asking: false))
    #expect(r.route(RouteState(slot: 1, readOnly: false), now: 0).node == a, "writes go to the master")
    #expect(r.route(RouteState(slot: 6000, readOnly: true), now: 0).node == b, "no replica: the master")
    #expect(
        r.unreachable(r.route(read, now: 0), state: &read, now: 0, problem: "refused")
            == .resend(.replicaFallback(problem: "refused")))
    #expect(r.route(read, now: 0).node == a, "a failing replica falls back to the master")
    var read2 = RouteState(slot: 1, readOnly: true)
    #expect(r.route(read2, now: 0.01).node == a, "a replica backing off is skipped")
    #expect(
        r.errorReply(err("LOADING"), from: RouteTarget(node: ra, replica: true, asking: false), state: &read2, now: 1)
            == .resend(.replicaFallback(problem: "LOADING")))
    #expect(r.route(read2, now: 1).node == a)
}

@Test func natMapRewritesTopologyAndRedirects() throws {
    let nat = try NatMap(parsing: "10.0.0.1:7000=127.0.0.1:17000,10.0.0.3=localhost")
    var r = ClusterRouter(map: threeShards(), current: a, seeds: [], natMap: nat)
    #expect(r.route(RouteState(slot: 0, readOnly: false), now: 0).node == NodeAddress(host: "127.0.0.1", port: 17000))
    #expect(
        r.route(RouteState(slot: 16000, readOnly: false), now: 0).node == NodeAddress(host: "localhost", port: 7002))
    var s = RouteState(slot: 6000, readOnly: false)
    _ = r.errorReply(err("MOVED 6000 10.0.0.3:7002"), from: r.route(s, now: 0), state: &s, now: 0)
    #expect(r.route(s, now: 0).node == NodeAddress(host: "localhost", port: 7002))
    #expect(throws: NatMapError.self) { try NatMap(parsing: "nonsense") }
    #expect(throws: NatMapError.self) { try NatMap(parsing: "a:1=b") }
    #expect(throws: NatMapError.self) { try NatMap(parsing: "a:99999=b:1") }
    #expect(
        try NatMap(parsing: "[::1]:7000=127.0.0.1:7000").translate(NodeAddress(host: "::1", port: 7000))
            == NodeAddress(host: "127.0.0.1", port: 7000))
}

@Test func aShardDownForTheWholeBudgetFailsItsCommandsAtOnceUntilAProbeSeesItServe() {
    var policy = ClusterRouter.Policy()
    policy.retryBudget = 2
    var r = router(policy)
    var first = RouteState(slot: 100, readOnly: false)
    var now = 0.0
    var last = RouteDecision.deliver
    while true {
        #expect(r.admit(r.route(first, now: now), now: now) == .go, "no give-up while the first command waits")
        last = r.unreachable(r.route(first, now: now), state: &first, now: now, problem: "refused")
        guard case .wait(let until, _) = last else { break }
        now = until
    }
    #expect(last == .fail(.retriesExhausted(seconds: 2, problem: "refused")))
    #expect(now <= 2.001)
    let toA = r.route(RouteState(slot: 200, readOnly: false), now: now)
    guard case .fail(let failure) = r.admit(toA, now: now + 0.5) else {
        Issue.record("a command for the given-up shard was sent")
        return
    }
    #expect(failure.text.hasPrefix("Error: gave up: refused (10.0.0.1:7000 failing for 2s;"), "\(failure.text)")
    #expect(r.admit(r.route(RouteState(slot: 6000, readOnly: false), now: now), now: now) == .go, "other shards go")
    // One probe a second; a failed probe fails at once (no new wait) and the next is a second later.
    #expect(r.admit(toA, now: now + 1) == .probe)
    #expect(r.reloadWanted, "a probe looks at the topology too")
    if case .probe = r.admit(toA, now: now + 1.5) { Issue.record("two probes within a second") }
    var probe = RouteState(slot: 200, readOnly: false)
    guard case .fail(.shardDown) = r.unreachable(toA, state: &probe, now: now + 1, problem: "still refused") else {
        Issue.record("a failed probe waited")
        return
    }
    if case .fail(let again) = r.admit(toA, now: now + 1.2) {
        #expect(again.text.contains("still refused"), "the latest reason is given")
    }
    #expect(r.admit(toA, now: now + 2) == .probe)
    r.answered(by: a)
    #expect(r.admit(toA, now: now + 2.1) == .go, "a shard that served again is back")
    // A reload that shows another master for the slots forgets the old one.
    var again = RouteState(slot: 100, readOnly: false)
    now += 10
    while case .wait(let until, _) = r.unreachable(r.route(again, now: now), state: &again, now: now, problem: "x") {
        now = until
    }
    r.install(
        SlotMap(shards: [
            (Shard(master: ra, replicas: []), [0...5460]), (Shard(master: b, replicas: []), [5461...10922]),
            (Shard(master: c, replicas: []), [10923...16383]),
        ]))
    #expect(r.route(RouteState(slot: 200, readOnly: false), now: now).node == ra)
    #expect(!r.isGivenUp(a))
}

@Test func withoutATopologyCommandsGoToTheSeedAndRedirectsTeachTheMap() {
    let seed = NodeAddress(host: "proxy", port: 6379)
    var r = ClusterRouter(map: SlotMap(shards: []), current: seed, seeds: [seed], topologyKnown: false)
    var s = RouteState(slot: 866, readOnly: false)
    #expect(r.route(s, now: 0).node == seed)
    #expect(
        r.errorReply(err("MOVED 866 10.0.0.1:7000"), from: r.route(s, now: 0), state: &s, now: 0)
            == .resend(.moved(slot: 866, node: a)))
    #expect(r.route(s, now: 0).node == a, "the slot's owner is learnt")
    #expect(r.reloadWanted && r.reloadSources(now: 0) == [a], "a new node is asked for the topology once")
    r.reloadFailed()
    var t = RouteState(slot: 867, readOnly: false)
    _ = r.errorReply(err("MOVED 867 10.0.0.1:7000"), from: r.route(t, now: 0), state: &t, now: 0)
    #expect(!r.reloadWanted, "not asked again")
    r.markDown(b, now: 0)
    #expect(!r.reloadWanted, "no topology to reload from after a failure")
    var u = RouteState(slot: 900, readOnly: false)
    #expect(
        r.errorReply(err("ASK 900 10.0.0.2:7001"), from: r.route(u, now: 0), state: &u, now: 0)
            == .resend(.ask(slot: 900, node: b)))
    #expect(r.route(u, now: 0) == RouteTarget(node: b, replica: false, asking: true))
    #expect(r.route(RouteState(slot: 900, readOnly: false), now: 0).node == seed, "ASK teaches nothing")
    #expect(!r.reloadWanted, "an ASK is not a topology change: no probe of its node")
    r.install(threeShards())
    #expect(r.topologyKnown)
}

@Test func aSlotNoNodeServesFailsAfterAReload() {
    var r = ClusterRouter(map: SlotMap(shards: [(Shard(master: a, replicas: []), [0...100])]), current: a, seeds: [])
    var s = RouteState(slot: 5000, readOnly: false)
    #expect(r.route(s, now: 0).node == a, "an uncovered slot goes to the current node, which will say so")
    var now = 0.0
    var last = RouteDecision.deliver
    for _ in 0..<5 {
        last = r.errorReply(err("CLUSTERDOWN Hash slot not served"), from: r.route(s, now: now), state: &s, now: now)
        guard case .wait(let until, _) = last else { break }
        now = until
    }
    #expect(last == .fail(.slotNotServed(slot: 5000, reason: "CLUSTERDOWN Hash slot not served")))
    if case .fail(let failure) = last {
        #expect(failure.text == "Error: slot 5000 is not served by any node (CLUSTERDOWN Hash slot not served)")
    }
    #expect(now < 1, "no 20 s wait for a slot nobody claims")
}

@Test func movedIsObeyedWhateverTheKeysSeemedToSay() {
    var r = router()
    // A command rcli thinks keyless (not in its table) goes to the current node and is moved:
    // the next send goes where MOVED said, and so does every later attempt of that command.
    var keyless = RouteState(slot: nil, readOnly: false)
    let first = r.route(keyless, now: 0)
    #expect(first.node == b)
    #expect(r.errorReply(err("MOVED 100 10.0.0.1:7000"), from: first, state: &keyless, now: 0) != .deliver)
    #expect(r.route(keyless, now: 0).node == a)
    #expect(keyless.routingSlot == 100)
    // A command whose keys the table places in another slot than the server does.
    var misplaced = RouteState(slot: 12000, readOnly: false)
    let wrong = r.route(misplaced, now: 0)
    #expect(wrong.node == c)
    _ = r.errorReply(err("MOVED 6000 10.0.0.2:7001"), from: wrong, state: &misplaced, now: 0)
    #expect(r.route(misplaced, now: 0).node == b)
    // Only a cluster that keeps bouncing the command is a redirect loop.
    var bounced = RouteState(slot: nil, readOnly: false)
    var decision = RouteDecision.deliver
    for i in 0...5 {
        let to = i % 2 == 0 ? "10.0.0.1:7000" : "10.0.0.2:7001"
        decision = r.errorReply(err("MOVED 7 \(to)"), from: r.route(bounced, now: 0), state: &bounced, now: 0)
    }
    #expect(decision == .fail(.redirectLoop(slot: 7, last: "MOVED", node: b, limit: 5)))
}
