import RESP

/// A node's address as the cluster announces it.
package struct NodeAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP: the endpoint the cluster prefers clients to use (see `NodeNames` for the
    /// others it announces).
    package var host: String
    /// Port.
    package var port: Int

    /// An address.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package var description: String { "\(host):\(port)" }
}

/// One shard: a master and its replicas (healthy ones first).
package struct Shard: Sendable, Equatable {
    /// The master serving the shard's slots.
    package var master: NodeAddress
    /// Its replicas.
    package var replicas: [NodeAddress]
}

/// Which shard owns each of the 16384 slots.
package struct SlotMap: Sendable {
    /// The shards, in the order the server listed them.
    package private(set) var shards: [Shard]
    /// The hostnames and IPs the cluster announces besides the nodes' endpoints, by endpoint
    /// (nodes with nothing more are not listed).
    package private(set) var names: [NodeAddress: NodeNames]
    private var owner: [Int16]

    /// A map from shards and their slot ranges (inclusive), and the nodes' other names.
    package init(shards: [(Shard, [ClosedRange<Int>])], names: [NodeAddress: NodeNames] = [:]) {
        self.shards = shards.map(\.0)
        self.names = names
        owner = Array(repeating: -1, count: HashSlot.count)
        for (index, (_, ranges)) in shards.enumerated() {
            for range in ranges where range.lowerBound >= 0 && range.upperBound < HashSlot.count {
                for slot in range { owner[slot] = Int16(index) }
            }
        }
    }

    /// The master for `slot`, nil when no shard covers it.
    package func master(for slot: Int) -> NodeAddress? {
        guard (0..<HashSlot.count).contains(slot), owner[slot] >= 0 else { return nil }
        return shards[Int(owner[slot])].master
    }

    /// The replicas for `slot`.
    package func replicas(for slot: Int) -> [NodeAddress] {
        guard (0..<HashSlot.count).contains(slot), owner[slot] >= 0 else { return [] }
        return shards[Int(owner[slot])].replicas
    }

    /// How many slots some shard covers.
    package var coveredSlots: Int { owner.lazy.filter { $0 >= 0 }.count }

    /// Every master.
    package var masters: [NodeAddress] { shards.map(\.master) }

    /// One slot owned by each shard that owns any (in shard order): sending a command there
    /// reaches every master once.
    package var representativeSlots: [Int] {
        var first = [Int](repeating: -1, count: shards.count)
        for (slot, index) in owner.enumerated() where index >= 0 && first[Int(index)] < 0 { first[Int(index)] = slot }
        return first.filter { $0 >= 0 }
    }

    /// Every node, masters first.
    package var nodes: [NodeAddress] { masters + shards.flatMap(\.replicas) }

    /// The shard whose master is `node`, or that has it as a replica.
    package func shard(containing node: NodeAddress) -> Shard? {
        shards.first { $0.master == node || $0.replicas.contains(node) }
    }

    /// The same map with every address passed through `transform`. A node whose address changes
    /// keeps its hostname (for TLS) but not its IP: the new address is the one to dial.
    package func mapNodes(_ transform: (NodeAddress) -> NodeAddress) -> SlotMap {
        var copy = self
        copy.shards = shards.map { Shard(master: transform($0.master), replicas: $0.replicas.map(transform)) }
        copy.names = [:]
        for (node, names) in self.names {
            let moved = transform(node)
            var kept = names
            if moved != node { kept.ip = nil }
            if !kept.isEmpty { copy.names[moved] = kept }
        }
        return copy
    }

    /// This map with the slots it leaves unserved taken from `other` where `other` assigns them.
    /// Redis 7.2+ lists a shard whose master failed with no replica to promote without slots in
    /// `CLUSTER SHARDS`, while `CLUSTER SLOTS` still names that master: a client must know whose
    /// slots they are to give that shard up (and fail its commands at once) rather than send
    /// them to another node that answers MOVED.
    package func fillingGaps(from other: SlotMap) -> SlotMap {
        var copy = self
        for slot in 0..<HashSlot.count where owner[slot] < 0 {
            guard let master = other.master(for: slot) else { continue }
            if !copy.shards.contains(where: { $0.master == master }) {
                copy.shards.append(Shard(master: master, replicas: other.replicas(for: slot)))
                if let names = other.names[master] { copy.names[master] = names }
            }
            copy.moved(slot: slot, to: master)
        }
        return copy
    }

    /// Applies `MOVED slot host:port`: the slot now belongs to that node's shard (a new shard
    /// when the node is unknown; the caller should then reload the topology).
    package mutating func moved(slot: Int, to node: NodeAddress) {
        guard (0..<HashSlot.count).contains(slot) else { return }
        if let index = shards.firstIndex(where: { $0.master == node }) {
            owner[slot] = Int16(index)
        } else {
            shards.append(Shard(master: node, replicas: []))
            owner[slot] = Int16(shards.count - 1)
        }
    }
}
