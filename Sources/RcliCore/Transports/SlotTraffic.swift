/// With `--replica-reads`, a slot's reads travel to a replica and its writes to the master, on
/// two connections: pipelined, a write could overtake an earlier read, which would then see a
/// value from later in the script. Per slot, this counts the commands in flight and which side
/// they went to; a command for the other side waits until they are answered. Commands of one
/// side still pipeline freely, and a replica may still lag (it shows an older value, never a
/// later one). Commands made with `ClusterCommand.command` carry their slots.
struct SlotTraffic {
    private var inFlight: [Int: (onReplica: Bool, count: Int)] = [:]

    /// True when every slot of `e` is idle or busy on `e`'s side.
    func admits(_ e: ClusterCommand) -> Bool {
        guard let t = e.traffic else { return true }
        return t.slots.allSatisfy { inFlight[$0].map { $0.onReplica == t.onReplica } ?? true }
    }

    mutating func begin(_ e: ClusterCommand) {
        guard let t = e.traffic else { return }
        for slot in t.slots { inFlight[slot, default: (t.onReplica, 0)].count += 1 }
    }

    mutating func end(_ e: ClusterCommand) {
        guard let t = e.traffic else { return }
        for slot in t.slots {
            guard let now = inFlight[slot] else { continue }
            inFlight[slot] = now.count > 1 ? (now.onReplica, now.count - 1) : nil
        }
    }
}
