import Cluster
import RedisNet

/// `--cluster reshard host:port [--cluster-from ids|all] [--cluster-to id] [--cluster-slots n]
/// [--cluster-yes]`: checks the cluster, plans with redis-cli's arithmetic (`ReshardPlan`),
/// shows the plan, asks, then moves the slots (`SlotBatchMover`). A missing value is asked for
/// on a terminal; without one it is an error (redis-cli loops for ever at end of input).
enum ClusterReshard {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        guard let (cluster, entry) = context.loadCluster() else { return 1 }
        defer { cluster.close() }
        guard ClusterCheck.run(cluster, entry: entry, context: context, quiet: false).isEmpty else {
            return log.fail("*** Please fix your cluster problems before resharding")
        }
        var request = context.request
        if request.slots == nil {
            guard let answer = ask(context, "How many slots do you want to move (from 1 to 16384)? "),
                let n = Int(answer), (1...16384).contains(n)
            else { return log.fail("*** Give the number of slots (1-16384) with --cluster-slots") }
            request.slots = n
        }
        if request.to == nil {
            guard let answer = ask(context, "What is the receiving node ID? ") else {
                return log.fail("*** Give the receiving node with --cluster-to")
            }
            request.to = answer
        }
        guard let toID = request.to, let target = cluster.node(id: toID), target.isMaster else {
            return log.fail(
                "*** The specified node (\(request.to ?? "")) is not known or not a \(Voice.current.primary), "
                    + "please retry.")
        }
        if request.from == nil {
            log.plain(
                "Please enter all the source node IDs.\n  Type 'all' to use all the nodes as source nodes for the "
                    + "hash slots.\n  Type 'done' once you entered all the source nodes IDs.\n")
            var ids: [String] = []
            while let answer = ask(context, "Source node #\(ids.count + 1): ") {
                if answer == "done" || answer == "all" {
                    if answer == "all" { ids = ["all"] }
                    break
                }
                ids.append(answer)
            }
            guard !ids.isEmpty else { return log.fail("*** No source nodes given, operation aborted.") }
            request.from = ids.joined(separator: ",")
        }
        var sources: [ManagerNode] = []
        if request.from == "all" {
            sources = cluster.masters.filter { $0.id != target.id }
        } else {
            for id in (request.from ?? "").split(separator: ",").map(String.init) {
                guard let node = cluster.node(id: id), node.isMaster else {
                    return log.fail(
                        "*** The specified node (\(id)) is not known or not a \(Voice.current.primary), please retry.")
                }
                if node.id == target.id {
                    log.plain("*** It is not possible to use the target node as source node.\n")
                    continue
                }
                sources.append(node)
            }
        }
        guard !sources.isEmpty else { return log.fail("*** No source nodes given, operation aborted.") }
        let count = request.slots ?? 0
        // redis-cli plans what the sources hold and still says "Ready to move <count>": a
        // request for more than there is is refused before anything moves.
        let held = sources.reduce(0) { $0 + $1.slotCount }
        guard count <= held else {
            return log.fail(
                "*** --cluster-slots \(count) is more than the \(held) slots the source nodes hold; nothing was moved.")
        }
        let plan = ReshardPlan.make(count: count, sources: sources.map(\.slots))
        log.plain("\nReady to move \(count) slots.\n  Source nodes:\n")
        for node in sources { log.plain(node.describe(indent: "    ")) }
        log.plain("  Destination node:\n" + target.describe(indent: "    ") + "  Resharding plan:\n")
        for step in plan { log.plain("    Moving slot \(step.slot) from \(sources[step.source].id)\n") }
        if !context.assumeYes {
            log.plain("Do you want to proceed with the proposed reshard plan (yes/no)? ")
            guard System.isTerminal(0) else {
                log.plain("\n")
                return log.fail("*** No terminal to answer on: run with --cluster-yes to proceed.")
            }
            guard System.readTerminalLine() == "yes" else { return 1 }
        }
        let moves = plan.map { SlotMove(slot: $0.slot, source: sources[$0.source], target: target) }
        // The nodes the plan moves slots between (a source with nothing to give does not count).
        let giving = Set(plan.map(\.source))
        let involved = sources.indices.filter { giving.contains($0) }.map { sources[$0] } + [target]
        switch cluster.moveMethod(for: involved, request: request) {
        case .refused:
            return 1
        case .atomic(let dialect):
            let entryText = ManagerAddress.text(entry)
            return cluster.moveAtomically(
                moves, dialect: dialect, request: request,
                resume: { rest in
                    let left = Set(rest)
                    let from = Set(moves.filter { left.contains($0.slot) }.map(\.source.id))
                    return "rcli --cluster reshard \(entryText) --cluster-from "
                        + sources.map(\.id).filter { from.contains($0) }.joined(separator: ",")
                        + " --cluster-to \(target.id) --cluster-slots \(rest.count) --cluster-yes"
                        + ManagedCluster.resumeOptions(request)
                }, fallback: { keyByKey(moves, cluster: cluster, request: request, context: context, entry: entry) }
            ) ?? 0
        case .keyByKey:
            return keyByKey(moves, cluster: cluster, request: request, context: context, entry: entry) ?? 0
        }
    }

    /// The moves made by rcli itself, key batch by key batch; nil when all moved.
    private static func keyByKey(
        _ moves: [SlotMove], cluster: ManagedCluster, request: ClusterManagerRequest, context: ManagerContext,
        entry: NodeAddress
    ) -> Int32? {
        let log = context.log
        let interruption = MoveInterruption(log: log)
        let mover = SlotBatchMover(cluster: cluster, request: request, interruption: interruption)
        let progress = MoveProgress(log: log, total: moves.count, style: .perSlot)
        let outcome = mover.run(moves, progress: progress)
        progress.finish()
        if let status = interruption.status(outcome, before: 0, total: moves.count, entry: ManagerAddress.text(entry)) {
            return status
        }
        if interruption.presses > 0 { return interruption.stopped(moved: moves.count, of: moves.count) }
        return nil
    }

    /// A line typed after `question`, nil without a terminal or at end of input.
    private static func ask(_ context: ManagerContext, _ question: String) -> String? {
        guard System.isTerminal(0) else { return nil }
        context.log.plain(question)
        return System.readTerminalLine()?.trimmingSpaces
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
