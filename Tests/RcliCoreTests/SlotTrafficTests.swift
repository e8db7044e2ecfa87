import Cluster
import Testing

@testable import RcliCore

private func entry(_ words: String...) -> ClusterCommand {
    let args = words.map { Array($0.utf8) }
    return ClusterCommand.command(0, args, traits: CommandTraits(args), keyBook: CommandKeyBook(), trackingSlots: true)
}

@Test func aWriteWaitsForEarlierReplicaReadsOfItsSlotOnly() {
    var traffic = SlotTraffic()
    let read = entry("get", "k")
    #expect(read.traffic?.onReplica == true)
    #expect(traffic.admits(read))
    traffic.begin(read)
    // More reads of the slot pipeline; a write of it waits; other slots are free.
    #expect(traffic.admits(entry("strlen", "k")))
    #expect(!traffic.admits(entry("set", "k", "v")))
    #expect(!traffic.admits(entry("mset", "other", "1", "k", "2")), "a write touching the slot among others")
    #expect(traffic.admits(entry("set", "other", "v")))
    #expect(traffic.admits(entry("ping")), "keyless commands are not held")
    traffic.end(read)
    #expect(traffic.admits(entry("set", "k", "v")))
}

@Test func aReadWaitsForEarlierWritesAndCountsDrainToZero() {
    var traffic = SlotTraffic()
    let w1 = entry("set", "{t}a", "1")
    let w2 = entry("incr", "{t}b")
    traffic.begin(w1)
    traffic.begin(w2)
    let read = entry("mget", "{t}a", "{t}b")
    #expect(read.traffic?.slots.count == 1)
    #expect(!traffic.admits(read))
    traffic.end(w1)
    #expect(!traffic.admits(read), "one write of the slot is still in flight")
    traffic.end(w2)
    #expect(traffic.admits(read))
}
