import Cluster

/// MULTI/EXEC and WATCH in cluster mode. MULTI is held (answered `OK` by rcli) until the first
/// command that names a node; the transaction is then pinned to that node and to the slot of
/// its first keyed command (EXEC fails with CROSSSLOT on a transaction that spans slots, even
/// on one node), and a command for another slot or node is refused here, leaving the
/// transaction intact. WATCH pins the node the same way. EXEC, DISCARD and UNWATCH end the pin.
struct ClusterTransaction {
    /// The node the transaction (or WATCH) is pinned to.
    private(set) var pinned: NodeAddress?
    /// The slot of the transaction's first keyed command.
    private(set) var slot: Int?
    /// Inside MULTI.
    var inMulti: Bool { multi.inMulti }
    private var multi = MultiTracker()
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

    /// Decides for the command `name` whose keys' owner is `owner` (nil for keyless commands)
    /// and whose keys hash to `slots` (distinct, in key order); `current` is where keyless
    /// commands go.
    mutating func step(name: String, argc: Int = 1, slots: [Int] = [], owner: NodeAddress?, current: NodeAddress)
        -> Step
    {
        switch TransactionWord(name, argc: argc) {
        case .multi:
            if inMulti { return .route }
            multi.follow(name, argc: argc)
            if let pinned { return .send(pinned, sendMultiFirst: false) }
            multiHeld = true
            return .holdMulti
        case .exec, .discard:
            guard inMulti else { return .route }
            let node = pinned ?? current
            let first = multiHeld
            self = ClusterTransaction()
            return .send(node, sendMultiFirst: first)
        case .reset:
            // RESET runs at once, even inside MULTI: it discards the transaction and the WATCHes
            // of its connection, so it goes to the pinned node and ends the pin. A MULTI still
            // held was never sent: nothing to discard there.
            guard inMulti || pinned != nil else { return .route }
            let node = pinned ?? current
            self = ClusterTransaction()
            return .send(node, sendMultiFirst: false)
        case .watch:
            if inMulti { break }
            let node = owner ?? pinned ?? current
            if let pinned, pinned != node { return .refuse(refusal(node, "WATCH")) }
            pinned = node
            return .send(node, sendMultiFirst: false)
        case .unwatch:
            if inMulti { break }
            let node = pinned ?? current
            pinned = nil
            return .send(node, sendMultiFirst: false)
        case nil:
            break
        }
        guard inMulti else { return .route }
        if slots.count > 1 {
            return .refuse(
                "ERR rcli: this command's keys hash to slots \(slots.map(String.init).joined(separator: ", ")); a "
                    + "transaction must stay in one slot, so it was not queued (the transaction is unchanged). "
                    + Self.remedy)
        }
        if let first = slot, let mine = slots.first, mine != first {
            return .refuse(
                "ERR rcli: this command's key hashes to slot \(mine) but the transaction's first key is in slot "
                    + "\(first); EXEC would fail with CROSSSLOT, so it was not queued (the transaction is unchanged). "
                    + Self.remedy)
        }
        let node = owner ?? pinned ?? current
        if let pinned, pinned != node { return .refuse(refusal(node, "this transaction")) }
        pinned = node
        if slot == nil { slot = slots.first }
        let first = multiHeld
        multiHeld = false
        return .send(node, sendMultiFirst: first)
    }

    /// The pinned node's connection was lost: the server dropped the transaction.
    mutating func reset() {
        self = ClusterTransaction()
    }

    private static let remedy =
        "Give the keys a common {hash tag} (user:{42}:name, user:{42}:age) to keep them in one slot"

    private func refusal(_ node: NodeAddress, _ what: String) -> String {
        let pin = pinned.map { "\($0)" } ?? "?"
        return "ERR rcli: this command's keys are served by \(node) but \(what) is pinned to \(pin); not sent "
            + "(the transaction is unchanged). Use a {hash tag} to keep keys together"
    }
}
