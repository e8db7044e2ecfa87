import Cluster

extension ClusterTransport {
    /// MGET/MSET/DEL/UNLINK/EXISTS/TOUCH across slots, DBSIZE and KEYS on every master.
    func splitPlan(_ e: ClusterCommand, name: String) -> FanOut? {
        if let plan = FanOut.split(e.args) { return plan }
        let perMaster: FanOut.Merge?
        switch (name, e.args.count) {
        case ("dbsize", 1): perMaster = .sum
        case ("keys", 2): perMaster = .concatenate
        default: perMaster = nil
        }
        guard let merge = perMaster else { return nil }
        let slots = pool.router.map.representativeSlots
        return slots.count > 1 ? FanOut.perMaster(e.args, slots: slots, merge: merge) : nil
    }
}
