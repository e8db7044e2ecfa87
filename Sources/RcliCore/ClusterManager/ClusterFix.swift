import Cluster
import RESP
import RedisNet

/// `--cluster fix host:port`: the check, repairing as it goes. Open slots (a reshard killed
/// half-way, by any tool) are closed the way redis-cli 7.0 does it: an owner is settled (the
/// master with most keys when none is clear), extra owners are demoted to importing, then
/// case 1 (one migrating, one importing) finishes the move, case 2 (only importing) sends the
/// keys to the owner, case 3 (one migrating, several importing without keys) moves it to the
/// migration's destination or closes it everywhere, case 4 (only a migrating node that owns the
/// slot or has no keys) closes it. Uncovered slots without keys go to a random master, those with
/// keys on one master to that master, those with keys on several masters to the one with most
/// keys (the others' keys follow), after a prompt each (asked even with --cluster-yes, as
/// redis-cli does). With --cluster-search-multiple-owners, a slot claimed by or holding keys on
/// several masters is given to the one with most keys and the others' keys are moved there.
enum ClusterFix {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        guard let (cluster, entry) = context.loadCluster() else { return 1 }
        defer { cluster.close() }
        if cluster.unreachableMasters > 0 && !context.request.fixWithUnreachableMasters {
            let v = Voice.current
            log.err(
                "*** Fixing open slots with \(cluster.unreachableMasters) unreachable \(v.primaries) is dangerous: "
                    + "\(v.selfName) will assume that slots about \(v.primaries) that are not reachable are not "
                    + "covered, and will try to reassign them to the reachable nodes. This can cause data loss and is "
                    + "rarely what you want to do. If you really want to proceed use the "
                    + "--cluster-fix-with-unreachable-\(v.primaries) option.")
            return 1
        }
        ClusterCheck.showInfo(cluster, log)
        var failed = false
        let moving = leaveMigrationsAlone(cluster, context: context)
        let findings = ClusterCheck.run(cluster, entry: entry, context: context, quiet: false) { finding in
            switch finding {
            case .openSlots(let slots):
                for slot in slots where !moving.contains(slot) && !fixOpenSlot(slot, cluster: cluster, context: context)
                {
                    failed = true
                }
            case .uncovered(let slots):
                let free = slots.filter { !moving.contains($0) }
                if !free.isEmpty && !fixCoverage(free, cluster: cluster, context: context, entry: entry) {
                    failed = true
                }
            case .multipleOwners(let found):
                for entry in found
                where !moving.contains(entry.slot) && !fixMultipleOwners(entry, cluster: cluster, context: context) {
                    failed = true
                }
            case .disagreement:
                failed = true
            }
        }
        return findings.isEmpty || !failed ? 0 : 1
    }

    /// The slots running atomic slot migration jobs are moving: fix touches none of them (the
    /// target holds their keys before it owns them, which looks like a second owner). On a
    /// terminal it offers to cancel the jobs (asked even with --cluster-yes); a job cancelled
    /// leaves its slots with the source, keys and all.
    static func leaveMigrationsAlone(_ cluster: ManagedCluster, context: ManagerContext) -> Set<Int> {
        let log = context.log
        let running = cluster.migrationJobs().filter { AtomicSlotMover.isActive($0, $0.dialect) }
        guard !running.isEmpty else { return [] }
        var moving = Set<Int>()
        for job in running { for range in job.slots { moving.formUnion(range) } }
        log.warn(
            "[WARNING] \(running.count) atomic slot migration job(s) are moving slots "
                + SlotMigrationJob.text(ManagerNode.ranges(Array(moving)))
                + ": fix leaves those slots alone. Wait for the jobs to end, or cancel them.")
        guard System.isTerminal(0),
            context.confirm("Cancel the \(running.count) running atomic slot migration job(s)?", fixPrompt: true)
        else { return moving }
        // Valkey cancels every export of a source at once: one request per source; Redis each
        // task on both ends.
        var asked = Set<String>()
        for job in running {
            var requests: [(ManagerNode, [String])] = []
            if job.dialect == .redis {
                for id in [job.target, job.source] {
                    if let node = cluster.node(id: id) {
                        requests.append((node, ["CLUSTER", "MIGRATION", "CANCEL", "ID", job.id]))
                    }
                }
            } else if let source = cluster.node(id: job.source), !asked.contains(source.id) {
                asked.insert(source.id)
                requests.append((source, ["CLUSTER", "CANCELSLOTMIGRATIONS"]))
            }
            for (node, command) in requests {
                let reply = cluster.call(node, command, seconds: 10)
                if case .error(let e) = reply {
                    log.err("[ERR] \(ManagerAddress.text(node.address)): \(String(decoding: e, as: UTF8.self))")
                } else {
                    log.plain(
                        "Cancelled on \(ManagerAddress.text(node.address)): job \(job.id) (slots "
                            + "\(SlotMigrationJob.text(job.slots))).\n")
                }
            }
            if requests.isEmpty && job.dialect == .redis
                || (job.dialect != .redis && cluster.node(id: job.source) == nil)
            {
                log.err("[ERR] Job \(job.id): its source node is not loaded; cancel it there.")
            }
        }
        log.plain("The cancelled jobs' slots stay with their sources; run fix again once they have ended.\n")
        return moving
    }

    /// Closes one open slot; false (after saying why) when it cannot.
    static func fixOpenSlot(_ slot: Int, cluster: ManagedCluster, context: ManagerContext) -> Bool {
        let log = context.log
        log.info(">>> Fixing open slot \(slot)")
        let masters = cluster.masters
        // Keys per master (every database's), asked once: nothing below moves a key before the
        // case is chosen (the max(by:) comparisons would otherwise ask again for every comparison).
        var counts: [String: Int] = [:]
        for node in masters {
            switch cluster.slotKeyTotals(node, [slot]) {
            case .success(let n): counts[node.id] = n.first
            case .failure(let error):
                log.err("[ERR] \(error.text); slot \(slot) was left as it is.")
                return false
            }
        }
        func keys(_ node: ManagerNode) -> Int { counts[node.id] ?? 0 }
        var owners: [ManagerNode] = []
        for node in masters {
            if node.slots.contains(where: { $0.contains(slot) }) {
                owners.append(node)
            } else if keys(node) > 0 {
                log.warn(
                    "*** Found keys about slot \(slot) in non-owner node \(ManagerAddress.text(node.address))!")
                owners.append(node)
            }
        }
        var owner = owners.count == 1 ? owners[0] : nil
        var migrating: [ManagerNode] = []
        var importing: [ManagerNode] = []
        for node in masters {
            if node.migrating[slot] != nil {
                migrating.append(node)
            } else if node.importing[slot] != nil {
                importing.append(node)
            } else if node.id != owner?.id && keys(node) > 0 {
                log.warn("*** Found keys about slot \(slot) in node \(ManagerAddress.text(node.address))!")
                importing.append(node)
            }
        }
        let names = { (nodes: [ManagerNode]) in nodes.map { ManagerAddress.text($0.address) }.joined(separator: ",") }
        if !migrating.isEmpty { log.plain("Set as migrating in: \(names(migrating))\n") }
        if !importing.isEmpty { log.plain("Set as importing in: \(names(importing))\n") }
        if owner == nil {
            log.info(">>> No single clear owner for the slot, selecting an owner by # of keys...")
            guard let most = masters.max(by: { keys($0) < keys($1) }), keys(most) > 0 || !owners.isEmpty else {
                log.err("[ERR] Can't select a slot owner. Impossible to fix.")
                return false
            }
            let chosen = owners.max(by: { keys($0) < keys($1) }) ?? most
            log.warn("*** Configuring \(ManagerAddress.text(chosen.address)) as the slot owner")
            _ = cluster.call(chosen, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
            _ = cluster.call(chosen, ["CLUSTER", "DELSLOTS", "\(slot)"])
            if case .error(let e) = cluster.call(chosen, ["CLUSTER", "ADDSLOTS", "\(slot)"]) {
                log.replied(chosen.address, e)
                return false
            }
            _ = cluster.call(chosen, ["CLUSTER", "BUMPEPOCH"])
            owner = chosen
            migrating.removeAll { $0.id == chosen.id }
            importing.removeAll { $0.id == chosen.id }
        }
        guard let owner else { return false }
        if owners.count > 1 {
            for node in owners where node.id != owner.id {
                _ = cluster.call(node, ["CLUSTER", "DELSLOTS", "\(slot)"])
                _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", owner.id])
                _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", owner.id])
                importing.removeAll { $0.id == node.id }
                importing.append(node)
                migrating.removeAll { $0.id == node.id }
            }
        }
        func moving(_ from: ManagerNode, _ to: ManagerNode, cold: Bool) -> Bool {
            move(slot, from: from, to: to, cold: cold, cluster: cluster, context: context)
        }
        if migrating.count == 1 && importing.count == 1 {
            let (src, dst) = (migrating[0], importing[0])
            log.info(
                ">>> Case 1: Moving slot \(slot) from \(ManagerAddress.text(src.address)) to "
                    + ManagerAddress.text(dst.address))
            return moving(src, dst, cold: false)
        }
        if migrating.isEmpty && !importing.isEmpty {
            log.info(">>> Case 2: Moving all the \(slot) slot keys to its owner \(ManagerAddress.text(owner.address))")
            for node in importing where node.id != owner.id {
                guard moving(node, owner, cold: true) else { return false }
                log.info(">>> Setting \(slot) as STABLE in \(ManagerAddress.text(node.address))")
                _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
            }
            for node in masters where node.id != owner.id {
                _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", owner.id])
            }
            return true
        }
        if migrating.count == 1 && importing.count > 1 && importing.allSatisfy({ keys($0) == 0 }) {
            let src = migrating[0]
            if let dst = importing.first(where: { $0.id == src.migrating[slot] }) {
                log.info(
                    ">>> Case 3: Moving slot \(slot) from \(ManagerAddress.text(src.address)) to "
                        + "\(ManagerAddress.text(dst.address)) and closing it on all the other importing nodes.")
                guard moving(src, dst, cold: false) else { return false }
                for node in importing where node.id != dst.id {
                    _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
                }
            } else {
                log.info(">>> Case 3: Closing slot \(slot) on both migrating and importing nodes.")
                for node in [src] + importing { _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]) }
            }
            return true
        }
        if importing.isEmpty && migrating.count == 1 {
            let node = migrating[0]
            if node.id == owner.id || keys(node) == 0 {
                log.info(">>> Case 4: Closing slot \(slot) on \(ManagerAddress.text(node.address))")
                if case .error(let e) = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]) {
                    log.replied(node.address, e)
                    return false
                }
                return true
            }
        }
        log.err(
            "[ERR] Sorry, \(Voice.current.selfName) can't fix this slot yet (work in progress). Slot is set as "
                + "migrating in \(names(migrating)), as importing in \(names(importing)), owner is "
                + ManagerAddress.text(owner.address))
        return false
    }

    /// Moves `slot` (only its keys when `cold`) with redis-cli's `Moving slot ...` line and dots.
    static func move(
        _ slot: Int, from: ManagerNode, to: ManagerNode, cold: Bool, cluster: ManagedCluster, context: ManagerContext
    ) -> Bool {
        // Piped: redis-cli's `Moving slot ...: ` line with a dot per key; on a terminal, a progress line.
        let progress = MoveProgress(log: context.log, total: 1, style: .perSlot)
        var mover = SlotBatchMover(cluster: cluster, request: context.request)
        mover.cold = cold
        let outcome = mover.run([SlotMove(slot: slot, source: from, target: to)], progress: progress)
        progress.finish()
        switch outcome {
        case .moved: return true
        case .failed(let error, _, _):
            context.log.err(error)
            return false
        case .stopped, .stoppedInside:
            context.log.err("interrupted")
            return false
        }
    }

    /// Keys of `slot` on `node`, every database's; nil (after saying why) when they cannot be read.
    static func keyCount(_ node: ManagerNode, _ slot: Int, cluster: ManagedCluster, log: ManagerLog) -> Int? {
        switch cluster.slotKeyTotals(node, [slot]) {
        case .success(let n): return n.first
        case .failure(let error):
            log.err("[ERR] " + error.text)
            return nil
        }
    }

    /// The node with most keys in `slot` (the first on a tie), nil for none or when a node's keys
    /// cannot be read.
    static func mostKeys(_ nodes: [ManagerNode], _ slot: Int, cluster: ManagedCluster, log: ManagerLog)
        -> ManagerNode?
    {
        var counts: [Int] = []
        for node in nodes {
            guard let n = keyCount(node, slot, cluster: cluster, log: log) else { return nil }
            counts.append(n)
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) })
        else { return nil }
        return nodes[best]
    }

    /// Sends `holder`'s keys in `slot` to `owner`, which owns it now: the holder is told who owns
    /// the slot and set importing from it (so MIGRATE is not redirected), keys move, then STABLE.
    static func gather(
        _ slot: Int, from holder: ManagerNode, to owner: ManagerNode, cluster: ManagedCluster, context: ManagerContext
    ) -> Bool {
        _ = cluster.call(holder, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", owner.id])
        _ = cluster.call(holder, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", owner.id])
        let moved = move(slot, from: holder, to: owner, cold: true, cluster: cluster, context: context)
        _ = cluster.call(holder, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
        return moved
    }

    /// `--cluster-search-multiple-owners`: the owner with most keys keeps the slot, every other
    /// master drops its claim and sends its keys there (redis-cli's steps and lines).
    static func fixMultipleOwners(_ entry: ClusterCheck.SlotOwners, cluster: ManagedCluster, context: ManagerContext)
        -> Bool
    {
        let log = context.log
        let slot = entry.slot
        log.info(">>> Fixing multiple owners for slot \(slot)...")
        guard let owner = mostKeys(entry.owners.compactMap { cluster.node(id: $0) }, slot, cluster: cluster, log: log)
        else {
            log.err("Failed to fix multiple owners for slot \(slot)")
            return false
        }
        log.info(">>> Setting slot \(slot) owner: \(ManagerAddress.text(owner.address))")
        guard setOwner(owner, slot, cluster: cluster, log: log) else {
            log.err("Failed to fix multiple owners for slot \(slot)")
            return false
        }
        for node in cluster.masters where node.id != owner.id {
            guard let keys = keyCount(node, slot, cluster: cluster, log: log) else {
                log.err("Failed to fix multiple owners for slot \(slot)")
                return false
            }
            _ = cluster.call(node, ["CLUSTER", "DELSLOTS", "\(slot)"])
            if keys > 0 {
                guard gather(slot, from: node, to: owner, cluster: cluster, context: context) else {
                    log.err("Failed to fix multiple owners for slot \(slot)")
                    return false
                }
            } else {
                _ = cluster.call(node, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", owner.id])
            }
        }
        return true
    }

    /// Covers uncovered slots; false (after saying why) when some stay uncovered.
    static func fixCoverage(_ slots: [Int], cluster: ManagedCluster, context: ManagerContext, entry: NodeAddress)
        -> Bool
    {
        let log = context.log
        log.info(">>> Fixing slots coverage...")
        let masters = cluster.masters
        // Who holds keys of each slot, in any database: a slot given to a random master while
        // another holds its keys in database 3 would lose them.
        var holders: [Int: [ManagerNode]] = [:]
        for node in masters {
            switch cluster.slotKeyTotals(node, slots) {
            case .success(let counts):
                for (slot, n) in zip(slots, counts) where n > 0 { holders[slot, default: []].append(node) }
            case .failure(let error):
                log.err("[ERR] \(error.text); no slot was covered.")
                return false
            }
        }
        let none = slots.filter { holders[$0] == nil }
        let single = slots.filter { holders[$0]?.count == 1 }
        let multiple = slots.filter { (holders[$0]?.count ?? 0) > 1 }
        var random = SystemRandomNumberGenerator()
        let groups: [([Int], String, String, (Int) -> ManagerNode?)] = [
            (
                none, "The following uncovered slots have no keys across the cluster:",
                "Fix these slots by covering with a random node?", { _ in masters.randomElement(using: &random) }
            ),
            (
                single, "The following uncovered slots have keys in just one node:",
                "Fix these slots by covering with those nodes?", { holders[$0]?.first }
            ),
        ]
        for (group, heading, question, pick) in groups where !group.isEmpty {
            log.plain(heading + "\n" + ManagerNode.rangesText(ManagerNode.ranges(group)) + "\n")
            guard context.confirm(question, fixPrompt: true) else { return false }
            for slot in group {
                guard let node = pick(slot) else { return false }
                log.info(">>> Covering slot \(slot) with \(ManagerAddress.text(node.address))")
                guard setOwner(node, slot, cluster: cluster, log: log) else { return false }
            }
        }
        if !multiple.isEmpty {
            log.plain(
                "The following uncovered slots have keys in multiple nodes:\n"
                    + ManagerNode.rangesText(ManagerNode.ranges(multiple)) + "\n")
            guard context.confirm("Fix these slots by moving keys into a single node?", fixPrompt: true) else {
                return false
            }
            for slot in multiple {
                // The holder with most keys (the first on a tie) takes the slot, the others' keys follow.
                let candidates = holders[slot] ?? []
                guard let owner = mostKeys(candidates, slot, cluster: cluster, log: log) else { return false }
                log.info(">>> Covering slot \(slot) moving keys to \(ManagerAddress.text(owner.address))")
                guard setOwner(owner, slot, cluster: cluster, log: log) else { return false }
                _ = cluster.call(owner, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
                for node in candidates where node.id != owner.id {
                    guard gather(slot, from: node, to: owner, cluster: cluster, context: context) else { return false }
                }
            }
        }
        return true
    }

    /// `node` takes `slot`: MULTI, DELSLOTS, ADDSLOTS, BUMPEPOCH, EXEC (only ADDSLOTS must work).
    static func setOwner(_ node: ManagerNode, _ slot: Int, cluster: ManagedCluster, log: ManagerLog) -> Bool {
        let replies = cluster.pipeline(
            node,
            [
                ["MULTI"], ["CLUSTER", "DELSLOTS", "\(slot)"], ["CLUSTER", "ADDSLOTS", "\(slot)"],
                ["CLUSTER", "BUMPEPOCH"], ["EXEC"],
            ])
        guard replies.count == 5, case .array(let results) = replies[4], results.count == 3 else {
            log.err("[ERR] Unable to cover slot \(slot) with \(ManagerAddress.text(node.address))")
            return false
        }
        if case .error(let e) = results[1] {
            log.replied(node.address, e)
            return false
        }
        return true
    }
}
