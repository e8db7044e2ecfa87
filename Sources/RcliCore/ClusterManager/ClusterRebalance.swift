import Cluster
import RedisNet

/// `--cluster rebalance host:port [--cluster-weight id=w ...] [--cluster-use-empty-masters]
/// [--cluster-threshold pct] [--cluster-simulate]`: redis-cli's balance arithmetic
/// (`RebalancePlan`), then the moves pair by pair, one `#` per slot.
enum ClusterRebalance {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        let request = context.request
        guard let (cluster, entry) = context.loadCluster() else { return 1 }
        defer { cluster.close() }
        var weights: [String: Double] = [:]
        for (prefix, weight) in request.weights {
            guard let node = cluster.masters.first(where: { $0.id.hasPrefix(prefix.lowercased()) }) else {
                log.err("*** No such \(Voice.current.primary) node \(prefix)")
                return 1
            }
            weights[node.id] = weight
        }
        guard ClusterCheck.run(cluster, entry: entry, context: context, quiet: true).isEmpty else {
            log.err("*** Please fix your cluster problems before rebalancing")
            return 1
        }
        var nodes = cluster.nodes
        let input = nodes.map { node in
            RebalancePlan.Node(
                slots: node.slotCount, weight: weights[node.id] ?? 1,
                involved: node.isMaster && (request.useEmptyMasters || node.slotCount > 0))
        }
        let plan = RebalancePlan.make(input, threshold: request.threshold)
        guard plan.needed else {
            log.warn(
                "*** No rebalancing needed! All nodes are within the "
                    + System.cFormat("%.2f", request.threshold) + "% threshold.")
            return 0
        }
        let total = input.filter(\.involved).reduce(0.0) { $0 + $1.weight }
        log.info(
            ">>> Rebalancing across \(input.filter(\.involved).count) nodes. Total weight = "
                + System.cFormat("%.2f", total))
        if context.verbose {
            for (node, balance) in plan.balances {
                log.plain("\(ManagerAddress.text(nodes[node].address)) balance is \(balance) slots\n")
            }
        }
        // Every pair's slots, planned up front: a pair takes its source's lowest slots left
        // after the pairs before it (as when they moved one after another).
        var tables: [[SlotMove]] = []
        for move in plan.moves {
            let source = nodes[move.from]
            let target = nodes[move.to]
            let table = ReshardPlan.make(count: move.count, sources: [source.slots])
            guard table.count == move.count else {
                log.err("*** Assertion failed: Reshard table != number of slots")
                return 1
            }
            tables.append(table.map { SlotMove(slot: $0.slot, source: source, target: target) })
            let moved = Set(table.map(\.slot))
            nodes[move.from].slots = ManagerNode.ranges(
                nodes[move.from].slots.flatMap { Array($0) }.filter { !moved.contains($0) })
            nodes[move.to].slots = ManagerNode.ranges(nodes[move.to].slots.flatMap { Array($0) } + Array(moved))
        }
        if !request.simulate {
            let involved = plan.moves.flatMap { [cluster.nodes[$0.from], cluster.nodes[$0.to]] }
            switch cluster.moveMethod(for: involved, request: request) {
            case .refused:
                return 1
            case .atomic(let dialect):
                for table in tables { log.plain(Self.pairLine(table)) }
                let all = tables.flatMap { $0 }
                var resume = "rcli --cluster rebalance \(ManagerAddress.text(entry))"
                for (prefix, weight) in request.weights { resume += " --cluster-weight \(prefix)=\(weight)" }
                if request.useEmptyMasters { resume += " --cluster-use-empty-masters" }
                if request.threshold != 2 { resume += " --cluster-threshold \(request.threshold)" }
                resume += ManagedCluster.resumeOptions(request)
                return cluster.moveAtomically(
                    all, dialect: dialect, request: request, resume: { _ in resume },
                    fallback: { keyByKey(tables, cluster: cluster, request: request, entry: entry, log: log) }) ?? 0
            case .keyByKey:
                break
            }
        }
        return keyByKey(tables, cluster: cluster, request: request, entry: entry, log: log) ?? 0
    }

    /// `Moving 1365 slots from a:1 to b:2` for one pair's moves.
    private static func pairLine(_ table: [SlotMove]) -> String {
        guard let first = table.first else { return "" }
        return "Moving \(table.count) slots from \(ManagerAddress.text(first.source.address)) to "
            + "\(ManagerAddress.text(first.target.address))\n"
    }

    /// The pairs moved one after another by rcli itself, one `#` per slot (redis-cli's output);
    /// nil when all moved.
    private static func keyByKey(
        _ tables: [[SlotMove]], cluster: ManagedCluster, request: ClusterManagerRequest, entry: NodeAddress,
        log: ManagerLog
    ) -> Int32? {
        let interruption = MoveInterruption(log: log)
        let mover = SlotBatchMover(cluster: cluster, request: request, interruption: interruption)
        let totalSlots = tables.reduce(0) { $0 + $1.count }
        var done = 0
        for table in tables {
            log.plain(pairLine(table))
            if request.simulate {
                log.plain(String(repeating: "#", count: table.count) + "\n")
                continue
            }
            let progress = MoveProgress(log: log, total: table.count, style: .hashes)
            let outcome = mover.run(table, progress: progress)
            progress.finish()
            if let status = interruption.status(
                outcome, before: done, total: totalSlots, entry: ManagerAddress.text(entry),
                failurePrefix: "*** clusterManagerMoveSlot: ")
            {
                return status
            }
            done += table.count
        }
        if interruption.presses > 0 { return interruption.stopped(moved: totalSlots, of: totalSlots) }
        return nil
    }
}
