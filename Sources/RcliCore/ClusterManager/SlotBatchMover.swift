import Cluster
import RESP

/// One slot to move, and between which masters.
struct SlotMove {
    let slot: Int
    let source: ManagerNode
    let target: ManagerNode

    /// `slot 7 (migrating on a:1, importing on b:2)` or `3 slots [0-2] (...)`.
    static func describe(_ moves: [SlotMove]) -> String {
        var pairs: [String] = []
        for move in moves {
            let pair =
                "migrating on \(ManagerAddress.text(move.source.address)), importing on "
                + ManagerAddress.text(move.target.address)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        let slots = moves.map(\.slot)
        return
            (slots.count == 1
            ? "slot \(slots[0])"
            : "\(slots.count) slots "
                + ManagerNode.rangesText(ManagerNode.ranges(slots))) + " (" + pairs.joined(separator: "; ") + ")"
    }
}

/// The one slot mover (reshard, rebalance, and fix's single slots): a round takes up to `roundSize` slots
/// from every source at once, opens them all (IMPORTING on the targets, then MIGRATING on the
/// sources), moves their keys in `MIGRATE ... KEYS` batches of `--cluster-pipeline` keys (every
/// source's batches written before any reply is read, so the sources migrate side by side), and
/// closes them (SETSLOT NODE on the targets, then on the sources and every other master). Each
/// step is one pipelined round trip per node for the whole round, so a node also saves its
/// cluster config once per step instead of once per slot. redis-cli spends a round trip per
/// command per slot and per master, one slot at a time. `cold` (fix) moves only the keys: no
/// SETSLOT before or after.
struct SlotBatchMover {
    let cluster: ManagedCluster
    let request: ClusterManagerRequest
    /// Ctrl-C handling (nil: not watched).
    var interruption: MoveInterruption?
    /// Slots per source in one round: what a first Ctrl-C lets finish.
    var roundSize = 64
    /// Keys only: the slots are neither opened nor closed (fix's cold moves).
    var cold = false

    /// How a run ended; `moved` counts the slots moved and closed.
    enum Outcome {
        case moved
        /// Ctrl-C between rounds: nothing is open.
        case stopped(moved: Int)
        /// A second Ctrl-C inside a round: `open` is left migrating/importing.
        case stoppedInside(moved: Int, open: [SlotMove])
        /// An error; `open` is left migrating/importing (empty when the round was rolled back).
        case failed(String, moved: Int, open: [SlotMove])
    }

    /// Moves `moves` (in the given order per source), telling `progress` as keys and slots go.
    func run(_ moves: [SlotMove], progress: MoveProgress) -> Outcome {
        var queues: [[SlotMove]] = []
        var queueOf: [String: Int] = [:]
        for move in moves {
            if let i = queueOf[move.source.id] {
                queues[i].append(move)
            } else {
                queueOf[move.source.id] = queues.count
                queues.append([move])
            }
        }
        var moved = 0
        for offset in stride(from: 0, to: queues.map(\.count).max() ?? 0, by: roundSize) {
            if let interruption, interruption.poll(inHand: []) > 0 { return .stopped(moved: moved) }
            let round = queues.flatMap { $0.dropFirst(offset).prefix(roundSize) }
            progress.queue(round)
            if let failure = runRound(round, progress: progress) {
                switch failure {
                case .stoppedInside: return .stoppedInside(moved: moved, open: stillOpen(round))
                // A cold move (fix) opened nothing: nothing to look for.
                case .failed(let text, let open): return .failed(text, moved: moved, open: cold ? [] : stillOpen(open))
                case .unreadable(let text):
                    let before = moved == 0 ? "nothing was moved" : "\(moved) slots moved before it, no other"
                    return .failed(text + "; " + before + ".", moved: moved, open: [])
                }
            }
            moved += round.count
        }
        return .moved
    }

    private enum RoundFailure {
        case stoppedInside
        case failed(String, open: [SlotMove])
        /// A database could not be read: the round's slots were not opened, no key moved.
        case unreadable(String)
    }

    /// A node and what to send it, with the move each command is for.
    private struct Batch {
        let node: ManagerNode
        var moves: [SlotMove] = []
        var commands: [[[UInt8]]] = []
    }

    /// `command` for every move, grouped by the node `on` picks (first-seen order).
    private func grouped(_ moves: [SlotMove], on node: (SlotMove) -> ManagerNode, _ command: (SlotMove) -> [String])
        -> [Batch]
    {
        var batches: [Batch] = []
        var index: [String: Int] = [:]
        for move in moves {
            let n = node(move)
            let i = index[n.id] ?? batches.count
            if i == batches.count {
                index[n.id] = i
                batches.append(Batch(node: n))
            }
            batches[i].moves.append(move)
            batches[i].commands.append(command(move).map { Array($0.utf8) })
        }
        return batches
    }

    /// Sends the batches; returns, per move, the error text of a failed command (a lost
    /// connection counts as one).
    private func send(_ batches: [Batch], seconds: Double = 60) -> [(move: SlotMove, node: ManagerNode, error: [UInt8])]
    {
        let replies = cluster.pipelineMany(batches.map { ($0.node, $0.commands) }, seconds: seconds)
        var errors: [(SlotMove, ManagerNode, [UInt8])] = []
        for (batch, answers) in zip(batches, replies) {
            for (i, move) in batch.moves.enumerated() {
                if i >= answers.count {
                    errors.append((move, batch.node, Array("connection lost".utf8)))
                } else if case .error(let e) = answers[i] {
                    errors.append((move, batch.node, e))
                }
            }
        }
        return errors
    }

    private func setSlot(_ move: SlotMove, _ words: String...) -> [String] {
        ["CLUSTER", "SETSLOT", "\(move.slot)"] + words
    }

    private func runRound(_ round: [SlotMove], progress: MoveProgress) -> RoundFailure? {
        if let text = SlotKeyMover(cluster: cluster, request: request).unreadable(round) { return .unreadable(text) }
        if cold {
            if let failure = moveKeys(round, progress: progress) { return failure }
            for move in round { progress.end(slot: move.slot) }
            return nil
        }
        // Open: IMPORTING on the targets first, then MIGRATING on the sources.
        let importErrors = send(grouped(round, on: \.target) { setSlot($0, "IMPORTING", $0.source.id) })
        if let first = importErrors.first {
            let failed = Set(importErrors.map(\.move.slot))
            _ = send(grouped(round.filter { !failed.contains($0.slot) }, on: \.target) { setSlot($0, "STABLE") })
            return .failed(ManagerLog.repliedText(first.node.address, first.error), open: [])
        }
        // A node that joined moments ago may not be known everywhere yet: retried for 10 s.
        var opening = round
        for attempt in 0...50 {
            let errors = send(grouped(opening, on: \.source) { setSlot($0, "MIGRATING", $0.target.id) })
            let unknown = errors.filter { $0.error.starts(with: Array("ERR I don't know about node".utf8)) }
            if let first = errors.first, unknown.count < errors.count || attempt == 50 {
                let bad = errors.first { !$0.error.starts(with: Array("ERR I don't know about node".utf8)) } ?? first
                // Not started: no half-open slot is left behind.
                _ = send(grouped(round, on: \.target) { setSlot($0, "STABLE") })
                _ = send(grouped(round, on: \.source) { setSlot($0, "STABLE") })
                return .failed(ManagerLog.repliedText(bad.node.address, bad.error), open: [])
            }
            if unknown.isEmpty { break }
            let retry = Set(unknown.map(\.move.slot))
            opening = opening.filter { retry.contains($0.slot) }
            System.sleep(seconds: 0.2)
        }
        if let failure = moveKeys(round, progress: progress) { return failure }
        // Close: the targets first (redis #7116), then the sources and every other master.
        let closeErrors = send(grouped(round, on: \.target) { setSlot($0, "NODE", $0.target.id) })
        if let first = closeErrors.first {
            return .failed(ManagerLog.repliedText(first.node.address, first.error), open: round)
        }
        var others: [Batch] = []
        for master in cluster.masters {
            var batch = Batch(node: master)
            for move in round where move.target.id != master.id {
                batch.moves.append(move)
                batch.commands.append(setSlot(move, "NODE", move.target.id).map { Array($0.utf8) })
            }
            if !batch.moves.isEmpty { others.append(batch) }
        }
        // Only the sources' answers matter (others learn by gossip too); a source that became a
        // replica meanwhile says so, which is fine.
        let sourceErrors = send(others).filter {
            $0.node.id == $0.move.source.id
                && !$0.error.starts(with: Array("ERR Please use SETSLOT only with masters".utf8))
        }
        if let first = sourceErrors.first {
            let open = Set(sourceErrors.map(\.move.slot))
            return .failed(
                ManagerLog.repliedText(first.node.address, first.error), open: round.filter { open.contains($0.slot) })
        }
        for move in round { progress.end(slot: move.slot) }
        return nil
    }

    /// The round's keys, every database's, until no source has any left in the round's slots.
    /// A database that cannot be read stops the round before any key moves: its slots are
    /// closed again where they were opened (STABLE) and keep their owner.
    private func moveKeys(_ round: [SlotMove], progress: MoveProgress) -> RoundFailure? {
        let keys = SlotKeyMover(cluster: cluster, request: request)
        let failure = keys.run(
            round, stop: { interruption.map { $0.poll(inHand: round.map(\.slot)) >= 2 } ?? false },
            moved: { progress.moved(slot: $0.slot, keys: $1) })
        switch failure {
        case nil:
            return nil
        case .stopped:
            return .stoppedInside
        case .failed(let text):
            return .failed(text, open: round)
        case .unreadable(let text):
            // Readable a moment ago (an ACL changed meanwhile): the slots are open and may
            // already hold keys written through ASK on the targets, so they stay open for `fix`.
            return .failed(text, open: round)
        }
    }

    /// Those of `moves` still open as the nodes say now: importing on the target, or migrating on
    /// the source while the target does not own the slot yet (once it does, gossip closes the
    /// source's side). A node that does not answer counts as open.
    private func stillOpen(_ moves: [SlotMove]) -> [SlotMove] {
        var own: [String: ManagerNode?] = [:]
        func view(_ node: ManagerNode) -> ManagerNode? {
            if let known = own[node.id] { return known }
            let line = NodesView(reply: cluster.call(node, ["CLUSTER", "NODES"], seconds: 10))?.ownLineBytes
            let parsed = line.flatMap { ManagerNode.parse($0) }
            own[node.id] = parsed
            return parsed
        }
        return moves.filter { move in
            guard let source = view(move.source), let target = view(move.target) else { return true }
            let owned = target.slots.contains { $0.contains(move.slot) }
            return target.importing[move.slot] != nil || (source.migrating[move.slot] != nil && !owned)
        }
    }
}
