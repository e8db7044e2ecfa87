import Cluster

/// What the shell and the tool modes ask of a cluster: the nodes to ask, the node in use, the
/// prompt's location.
extension ClusterTransport {
    package func servers(replicas: Bool) -> [(session: Session, label: String)] {
        if pool.router.map.shards.isEmpty {
            // No topology (redirect-following): the seed is all there is to ask.
            let node = pool.router.current
            return [(primary, "\(node.host):\(node.port)")]
        }
        return pool.router.map.shards.map { shard in
            let node = replicas ? (shard.replicas.first ?? shard.master) : shard.master
            let readOnly = replicas && node != shard.master
            return (
                pool.session(for: node, readOnly: readOnly), "\(node.host):\(node.port)"
            )
        }
    }

    package var primary: Session {
        let current = pool.router.current
        return pool.existingLink(current)?.session
            ?? pool.session(for: current, readOnly: false)
    }

    package var location: String? {
        guard pool.shutDown == nil else { return nil }
        let db = pool.template.database
        return "\(pool.router.current)" + (db != 0 ? "[\(db)]" : "")
    }

    package var separatesMessages: Bool { true }

    package var followsRedirects: Bool { true }
}
