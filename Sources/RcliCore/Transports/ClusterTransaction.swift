import Cluster

/// MULTI/EXEC and WATCH in cluster mode. MULTI is held (answered `OK` by rcli) until the first
/// command that names a node; the transaction is then pinned to that node, and a command for
/// a slot on another node is refused here, leaving the transaction intact. WATCH pins the same
/// way. EXEC, DISCARD and UNWATCH end the pin.
struct ClusterTransaction {
    /// The node the transaction (or WATCH) is pinned to.
    private(set) var pinned: NodeAddress?
    /// Inside MULTI.
    private(set) var inMulti = false
    /// MULTI was answered but not sent yet.
    private(set) var multiHeld = false

    /// What to do with a command.
    enum Step: Equatable {
        /// Not a transaction matter: route it normally.
        case route
        /// Answer MULTI with OK now; it is sent before the next command.
        case holdMulti
        /// Send to this node (after a held MULTI when `sendMultiFirst`).
        case send(NodeAddress, sendMultiFirst: Bool)
        /// Refuse with this error text; the transaction stays as it is.
        case refuse(String)
    }

    /// Decides for the command `name` whose keys' owner is `owner` (nil for keyless commands);
    /// `current` is where keyless commands go.
    mutating func step(name: String, owner: NodeAddress?, current: NodeAddress) -> Step {
        switch name {
        case "multi":
            if inMulti { return .route }
            inMulti = true
            if let pinned { return .send(pinned, sendMultiFirst: false) }
            multiHeld = true
            return .holdMulti
        case "exec", "discard":
            guard inMulti else { return .route }
            let node = pinned ?? current
            let first = multiHeld
            self = ClusterTransaction()
            return .send(node, sendMultiFirst: first)
        case "watch":
            if inMulti { break }
            let node = owner ?? pinned ?? current
            if let pinned, pinned != node { return .refuse(refusal(node, "WATCH")) }
            pinned = node
            return .send(node, sendMultiFirst: false)
        case "unwatch":
            if inMulti { break }
            let node = pinned ?? current
            pinned = nil
            return .send(node, sendMultiFirst: false)
        default:
            break
        }
        guard inMulti else { return .route }
        let node = owner ?? pinned ?? current
        if let pinned, pinned != node { return .refuse(refusal(node, "this transaction")) }
        pinned = node
        let first = multiHeld
        multiHeld = false
        return .send(node, sendMultiFirst: first)
    }

    /// The pinned node's connection was lost: the server dropped the transaction.
    mutating func reset() {
        self = ClusterTransaction()
    }

    private func refusal(_ node: NodeAddress, _ what: String) -> String {
        let pin = pinned.map { "\($0)" } ?? "?"
        return "ERR rcli: this command's keys are served by \(node) but \(what) is pinned to \(pin); not sent "
            + "(the transaction is unchanged). Use a {hash tag} to keep keys together"
    }
}
