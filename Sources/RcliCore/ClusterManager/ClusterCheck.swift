import Cluster
import RedisNet

/// `--cluster info` and `--cluster check`: keys and slots per master, then (check) whether the
/// nodes agree, open slots, coverage and (optionally) slots with several owners.
enum ClusterCheck {
    static func info(_ context: ManagerContext) -> Int32 {
        if context.json != nil { return ClusterReport.run(context, check: false) }
        guard let (cluster, _) = context.loadCluster(prefetchKeyspace: true) else { return 1 }
        defer { cluster.close() }
        showInfo(cluster, context.log)
        for notice in cluster.migrationNotices() { context.log.warn(notice.line) }
        return 0
    }

    static func check(_ context: ManagerContext) -> Int32 {
        if context.json != nil { return ClusterReport.run(context, check: true) }
        guard let (cluster, entry) = context.loadCluster(prefetchKeyspace: true) else { return 1 }
        defer { cluster.close() }
        showInfo(cluster, context.log)
        return run(cluster, entry: entry, context: context, quiet: false).isEmpty ? 0 : 1
    }

    /// The info block: `host:port (id...) -> n keys | n slots | n slaves.`
    static func showInfo(_ cluster: ManagedCluster, _ log: ManagerLog) {
        var keys = 0
        var masters = 0
        // Every database's keys (Valkey 9 numbered databases), every master asked at once.
        let counts = cluster.keyCounts(of: cluster.masters)
        var lines = ""
        for node in cluster.masters {
            let n = counts[node.id] ?? 0
            keys += n
            masters += 1
            lines +=
                "\(ManagerAddress.text(node.address)) (\(node.id.prefix(8))...) -> \(n) keys | "
                + "\(node.slotCount) slots | "
                + "\(node.replicaCount) \(Voice.current.replica)s.\n"
        }
        log.plain(lines)
        log.ok("[OK] \(keys) keys in \(masters) \(Voice.current.primaries).")
        log.plain(System.cFormat("%.2f", Double(keys) / Double(HashSlot.count)) + " keys per slot on average.\n")
    }

    /// What a check found wrong.
    enum Finding: Equatable {
        case disagreement
        case openSlots([Int])
        case uncovered([Int])
        case multipleOwners([SlotOwners])
    }

    /// A slot claimed by, or holding keys on, several masters (their ids).
    struct SlotOwners: Equatable {
        let slot: Int
        let owners: [String]
    }

    /// The check itself; returns what it found (empty: healthy).
    @discardableResult
    /// `repair` (fix) is called right after each finding is reported, as redis-cli fixes inline.
    static func run(
        _ cluster: ManagedCluster, entry: NodeAddress, context: ManagerContext, quiet: Bool,
        repair: ((Finding) -> Void)? = nil
    ) -> [Finding] {
        let log = context.log
        var findings: [Finding] = []
        log.info(">>> Performing Cluster Check (using node \(ManagerAddress.text(entry)))")
        if !quiet {
            // One write for the whole listing (a line each is a system call each on 200 nodes).
            log.plain(cluster.nodes.map { $0.describe() }.joined())
        }
        if agree(cluster) {
            log.ok("[OK] All nodes agree about slots configuration.")
        } else {
            log.err("[ERR] Nodes don't agree about configuration!")
            findings.append(.disagreement)
        }
        log.info(">>> Check for open slots...")
        var open = Set<Int>()
        for node in cluster.nodes {
            for (state, marks) in [("migrating", node.migrating), ("importing", node.importing)] where !marks.isEmpty {
                let slots = marks.keys.sorted()
                log.warn(
                    "[WARNING] Node \(ManagerAddress.text(node.address)) has slots in \(state) state "
                        + slots.map(String.init).joined(separator: ",") + ".")
                open.formUnion(slots)
            }
        }
        if !open.isEmpty {
            log.warn(
                "[WARNING] The following slots are open: \(open.sorted().map(String.init).joined(separator: ",")).")
            findings.append(.openSlots(open.sorted()))
            repair?(.openSlots(open.sorted()))
        }
        // Atomic slot migrations open no slot: the jobs running and recent failures are told here.
        for notice in cluster.migrationNotices() { log.warn(notice.line) }
        log.info(">>> Check slots coverage...")
        let uncovered = uncoveredSlots(cluster)
        if uncovered.isEmpty {
            log.ok("[OK] All \(HashSlot.count) slots covered.")
        } else {
            log.err("[ERR] Not all \(HashSlot.count) slots are covered by nodes.\n")
            findings.append(.uncovered(uncovered))
            repair?(.uncovered(uncovered))
        }
        if context.request.searchMultipleOwners {
            log.info(">>> Check for multiple slot owners...")
            let multiple = multipleOwners(cluster, log: log)
            if multiple.isEmpty {
                log.ok("[OK] No multiple owners found.")
            } else {
                findings.append(.multipleOwners(multiple))
                repair?(.multipleOwners(multiple))
            }
        }
        return findings
    }

    /// Slots no reachable node claims.
    static func uncoveredSlots(_ cluster: ManagedCluster) -> [Int] {
        var covered = [Bool](repeating: false, count: HashSlot.count)
        for node in cluster.nodes {
            for range in node.slots { for s in range where s < HashSlot.count { covered[s] = true } }
        }
        return covered.indices.filter { !covered[$0] }
    }

    /// True when every node's view of who owns which slots is the same. Right after a change
    /// (a reshard, a new node) gossip takes a moment: views are compared again for up to 5 s
    /// before they are declared in disagreement (redis-cli says so at once).
    static func agree(_ cluster: ManagedCluster) -> Bool {
        // The views read at load first: when they agree, no node is asked again.
        let loaded = cluster.nodes.compactMap { cluster.views[$0.id] }
        if loaded.count == cluster.nodes.count && Set(loaded.map(\.signature)).count <= 1 { return true }
        let deadline = monotonicSeconds() + 5
        while true {
            let left = max(0.5, deadline - monotonicSeconds())
            let views = cluster.pipelineMany(cluster.nodes.map { ($0, NodesView.request) }, seconds: left)
                .map { NodesView(reply: $0.first) }
            let answered = views.allSatisfy { $0 != nil }
            if answered && Set(views.compactMap { $0?.signature }).count <= 1 { return true }
            if monotonicSeconds() >= deadline { return false }
            System.sleep(seconds: 0.2)
        }
    }

    /// Slots claimed by, or holding keys (in any database) on, more than one master (pipelined
    /// per master and database). A master whose databases cannot be read is said so and counted
    /// by its claims only.
    static func multipleOwners(_ cluster: ManagedCluster, log: ManagerLog) -> [SlotOwners] {
        var owners = [[ManagerNode]](repeating: [], count: HashSlot.count)
        for node in cluster.masters {
            var claimed = [Bool](repeating: false, count: HashSlot.count)
            for range in node.slots { for s in range where s < HashSlot.count { claimed[s] = true } }
            var counts = [Int](repeating: 0, count: HashSlot.count)
            switch cluster.slotKeyTotals(node, Array(0..<HashSlot.count)) {
            case .success(let found): counts = found
            case .failure(let error): log.err("[ERR] " + error.text)
            }
            for slot in 0..<HashSlot.count where claimed[slot] || counts[slot] > 0 { owners[slot].append(node) }
        }
        var multiple: [SlotOwners] = []
        for slot in 0..<HashSlot.count where owners[slot].count > 1 {
            multiple.append(SlotOwners(slot: slot, owners: owners[slot].map(\.id)))
            log.warn("[WARNING] Slot \(slot) has \(owners[slot].count) owners:")
            for node in owners[slot] { log.plain("    \(ManagerAddress.text(node.address))\n") }
        }
        return multiple
    }
}
