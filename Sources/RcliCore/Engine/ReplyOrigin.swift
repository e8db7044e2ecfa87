import Cluster

/// Where a reply came from, for the cluster's annotations and redis-cli's redirect line.
package struct ReplyOrigin: Sendable, Equatable {
    /// A slot and a node.
    package struct Place: Sendable, Equatable {
        package var slot: Int
        package var node: NodeAddress
    }

    /// The node that answered.
    package var node: NodeAddress
    /// The slot of the command's keys.
    package var slot: Int?
    /// A replica answered.
    package var replica = false
    /// The last MOVED/ASK the command followed.
    package var redirect: Place?
    /// A split command: its parts, the nodes that served them, one part per master.
    package struct Split: Sendable, Equatable {
        package var parts: Int
        package var nodes: Int
        package var perMaster: Bool
    }

    /// For a split command, how it was split.
    package var split: Split?

    /// A reply from `node`.
    package init(node: NodeAddress, slot: Int?, replica: Bool = false) {
        self.node = node
        self.slot = slot
        self.replica = replica
    }
}
