import Cluster
import RESP

/// Moves one slot between masters the way redis-cli does: IMPORTING on the target, MIGRATING on
/// the source, keys in `MIGRATE ... KEYS` batches of `--cluster-pipeline` until the slot is
/// empty in every database (`SlotKeyMover`), then SETSLOT NODE on the target, the source and
/// every other master.
struct SlotMover {
    let cluster: ManagedCluster
    let request: ClusterManagerRequest
    let log: ManagerLog

    /// How a move ended.
    enum Outcome: Equatable {
        case moved
        case failed(String)
    }

    /// Moves `slot`; `onKeys` hears how many keys each round moved (for dots or progress).
    /// `cold` (fix) moves only the keys: no SETSLOT before or after.
    func move(_ slot: Int, from source: ManagerNode, to target: ManagerNode, onKeys: (Int) -> Void, cold: Bool = false)
        -> Outcome
    {
        if let error = moveKeys(slot, from: source, to: target, onKeys: onKeys, cold: cold) { return .failed(error) }
        return .moved
    }

    /// Nil on success, else the error text.
    private func moveKeys(
        _ slot: Int, from source: ManagerNode, to target: ManagerNode, onKeys: (Int) -> Void, cold: Bool
    )
        -> String?
    {
        func error(_ node: ManagerNode, _ reply: RESPValue) -> String? {
            guard case .error(let e) = reply else { return nil }
            return ManagerLog.repliedText(node.address, e)
        }
        if !cold, let failure = open(slot, from: source, to: target, error: error) { return failure }
        if let failure = migrateKeys(slot, from: source, to: target, onKeys: onKeys) { return failure }
        return cold ? nil : close(slot, from: source, to: target, error: error)
    }

    /// IMPORTING on the target, MIGRATING on the source.
    private func open(
        _ slot: Int, from source: ManagerNode, to target: ManagerNode, error: (ManagerNode, RESPValue) -> String?
    ) -> String? {
        if let e = error(target, cluster.call(target, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", source.id])) {
            return e
        }
        // A node that joined moments ago may not be known everywhere yet: retry for 10 s.
        var migrating = cluster.call(source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", target.id])
        for _ in 0..<50 {
            guard case .error(let e) = migrating, e.starts(with: Array("ERR I don't know about node".utf8)) else {
                break
            }
            System.sleep(seconds: 0.2)
            migrating = cluster.call(source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", target.id])
        }
        if let e = error(source, migrating) {
            // Not started: leave no half-open slot behind on the target.
            _ = cluster.call(target, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
            return e
        }
        return nil
    }

    /// The slot's keys, every database's, until the source has none (`SlotKeyMover`).
    private func migrateKeys(_ slot: Int, from source: ManagerNode, to target: ManagerNode, onKeys: (Int) -> Void)
        -> String?
    {
        let keys = SlotKeyMover(cluster: cluster, request: request)
        switch keys.run([SlotMove(slot: slot, source: source, target: target)], moved: { onKeys($1) }) {
        case nil: return nil
        case .unreadable(let text): return text + "; nothing was moved."
        case .failed(let text): return text
        case .stopped: return "interrupted"
        }
    }

    /// SETSLOT NODE everywhere.
    private func close(
        _ slot: Int, from source: ManagerNode, to target: ManagerNode, error: (ManagerNode, RESPValue) -> String?
    ) -> String? {
        // The target first (redis #7116), then the source, then everyone else.
        if let e = error(target, cluster.call(target, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", target.id])) {
            return e
        }
        let sourceReply = cluster.call(source, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", target.id])
        if case .error(let e) = sourceReply, !e.starts(with: Array("ERR Please use SETSLOT only with masters".utf8)) {
            return error(source, sourceReply)
        }
        // Everyone else at once (their answers do not matter: gossip tells them too).
        let others = cluster.masters.filter { $0.id != source.id && $0.id != target.id }
        let setSlot = ["CLUSTER", "SETSLOT", "\(slot)", "NODE", target.id].map { Array($0.utf8) }
        _ = cluster.pipelineMany(others.map { ($0, [setSlot]) }, seconds: 30)
        return nil
    }
}
