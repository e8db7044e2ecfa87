import Cluster
import Testing

@testable import RcliCore

private let a = NodeAddress(host: "h", port: 1)
private let b = NodeAddress(host: "h", port: 2)

@Test func multiIsHeldThenPinnedToTheFirstKeyedCommandsNode() {
    var tx = ClusterTransaction()
    #expect(tx.step(name: "multi", owner: nil, current: b) == .holdMulti)
    #expect(tx.step(name: "set", owner: a, current: b) == .send(a, sendMultiFirst: true))
    #expect(tx.step(name: "incr", owner: a, current: b) == .send(a, sendMultiFirst: false))
    guard case .refuse(let text) = tx.step(name: "set", owner: b, current: b) else {
        Issue.record("not refused")
        return
    }
    #expect(text.contains("served by h:2") && text.contains("pinned to h:1"))
    #expect(tx.step(name: "exec", owner: nil, current: b) == .send(a, sendMultiFirst: false))
    #expect(tx.step(name: "get", owner: b, current: b) == .route, "after EXEC commands route normally")
}

/// RESET runs at once even inside MULTI, discarding the transaction and the WATCHes: it goes to
/// the pinned node and ends the pin, so later commands route normally.
@Test func resetEndsTheTransactionAndThePin() {
    var tx = ClusterTransaction()
    #expect(tx.step(name: "multi", owner: nil, current: b) == .holdMulti)
    #expect(tx.step(name: "set", slots: [7], owner: a, current: b) == .send(a, sendMultiFirst: true))
    #expect(tx.step(name: "reset", owner: nil, current: b) == .send(a, sendMultiFirst: false))
    #expect(!tx.inMulti && tx.pinned == nil)
    #expect(tx.step(name: "set", slots: [9], owner: b, current: b) == .route, "not refused as pinned")
    #expect(tx.step(name: "exec", owner: nil, current: b) == .route, "no MULTI left to execute")
    // A MULTI held (never sent), then RESET: nothing to discard on a node; the state ends.
    #expect(tx.step(name: "multi", owner: nil, current: b) == .holdMulti)
    #expect(tx.step(name: "reset", owner: nil, current: b) == .send(b, sendMultiFirst: false))
    #expect(!tx.inMulti)
    // WATCH pins; RESET unwatches there.
    #expect(tx.step(name: "watch", owner: a, current: b) == .send(a, sendMultiFirst: false))
    #expect(tx.step(name: "reset", owner: nil, current: b) == .send(a, sendMultiFirst: false))
    #expect(tx.pinned == nil)
    #expect(tx.step(name: "reset", owner: nil, current: b) == .route, "outside MULTI and WATCH: a plain command")
}

@Test func oneWordListForEveryTracker() {
    var multi = MultiTracker()
    for (name, inside) in [("multi", true), ("set", true), ("reset", false), ("multi", true), ("exec", false)] {
        multi.follow(name)
        #expect(multi.inMulti == inside, "\(name)")
    }
    #expect(TransactionWord("discard")?.endsMulti == true && TransactionWord("watch")?.endsMulti == false)
    #expect(TransactionWord("get") == nil)
    #expect(TransactionWord("multi", argc: 2) == nil, "`multi x` is the server's error, not a transaction")
    var tx = ClusterTransaction()
    #expect(tx.step(name: "multi", argc: 2, owner: nil, current: a) == .route)
    #expect(!tx.inMulti)
}

@Test func multiIsPinnedToTheFirstKeyedCommandsSlot() {
    var tx = ClusterTransaction()
    #expect(tx.step(name: "multi", owner: nil, current: a) == .holdMulti)
    #expect(tx.step(name: "ping", owner: nil, current: a) == .send(a, sendMultiFirst: true), "keyless: no slot yet")
    #expect(tx.step(name: "set", slots: [7], owner: a, current: a) == .send(a, sendMultiFirst: false))
    guard case .refuse(let other) = tx.step(name: "set", slots: [8], owner: a, current: a) else {
        Issue.record("another slot on the same node was queued")
        return
    }
    #expect(other.contains("slot 8") && other.contains("slot 7") && other.contains("{hash tag}"))
    guard case .refuse(let split) = tx.step(name: "mset", slots: [7, 9], owner: a, current: a) else {
        Issue.record("a command across slots was queued")
        return
    }
    #expect(split.contains("slots 7, 9"))
    #expect(tx.step(name: "get", slots: [7], owner: a, current: a) == .send(a, sendMultiFirst: false))
    #expect(tx.step(name: "exec", owner: nil, current: a) == .send(a, sendMultiFirst: false))
    #expect(tx.step(name: "multi", owner: nil, current: a) == .holdMulti)
    #expect(tx.step(name: "set", slots: [8], owner: a, current: a) == .send(a, sendMultiFirst: true), "a new slot")
}

@Test func watchPinsAndEmptyTransactionsGoToTheCurrentNode() {
    var tx = ClusterTransaction()
    #expect(tx.step(name: "watch", owner: a, current: b) == .send(a, sendMultiFirst: false))
    if case .refuse = tx.step(name: "watch", owner: b, current: b) {
    } else {
        Issue.record("WATCH on another node allowed")
    }
    #expect(tx.step(name: "multi", owner: nil, current: b) == .send(a, sendMultiFirst: false))
    #expect(tx.step(name: "exec", owner: nil, current: b) == .send(a, sendMultiFirst: false))
    var empty = ClusterTransaction()
    #expect(empty.step(name: "multi", owner: nil, current: b) == .holdMulti)
    #expect(empty.step(name: "discard", owner: nil, current: b) == .send(b, sendMultiFirst: true))
    #expect(empty.step(name: "unwatch", owner: nil, current: b) == .send(b, sendMultiFirst: false))
}

@Test func nodeSessionsCheckTheirOwnNameOrTheSeedsWhenAsked() {
    var config = CLIConfiguration()
    config.tls = true
    config.host = "clustercfg.example.com"
    config.tlsSNI = "seed.example.com"
    let seed = Session(settings: config.connection, password: nil)
    let byName = seed.forNode(host: "node-1.example.com", port: 7000, readOnly: false)
    #expect(byName.settings.tlsSNI == nil && byName.settings.tlsName == nil, "--sni names the seed only")
    let byIP = seed.forNode(host: "10.0.0.7", port: 7000, readOnly: false)
    #expect(byIP.settings.tlsName == nil, "without --tls-name-from-seed an IP is checked as an IP")
    config.tlsNameFromSeed = true
    let seed2 = Session(settings: config.connection, password: nil)
    #expect(seed2.forNode(host: "10.0.0.7", port: 7000, readOnly: false).settings.tlsName == "seed.example.com")
    #expect(seed2.forNode(host: "node-1.example.com", port: 7000, readOnly: false).settings.tlsName == nil)
    #expect(
        seed2.forNode(host: "10.0.0.7", port: 1, readOnly: false).forNode(host: "10.0.0.8", port: 2, readOnly: false)
            .settings.tlsName == "seed.example.com", "clones of clones keep the seed's name")
    // A node reached at its IP that announces a hostname is checked against that name; a node
    // reached at a name it announces can fall back to its IP.
    let announced = NodeNames(endpoint: "10.0.0.7", hostname: "node-7.example.com", ip: "10.0.0.7")
    let byIPWithName = seed2.forNode(host: "10.0.0.7", port: 7000, readOnly: false, announced: announced)
    #expect(byIPWithName.settings.tlsName == "node-7.example.com" && byIPWithName.settings.fallbackHost == nil)
    let fallback = NodeNames(endpoint: "node-7.example.com", hostname: "node-7.example.com", ip: "10.0.0.7")
    let byNameWithIP = seed.forNode(host: "node-7.example.com", port: 7000, readOnly: false, announced: fallback)
    #expect(byNameWithIP.settings.fallbackHost == "10.0.0.7" && byNameWithIP.settings.tlsName == nil)
}
