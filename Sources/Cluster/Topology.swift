import RESP

/// Builds a `SlotMap` from `CLUSTER SHARDS` (Redis 7) or `CLUSTER SLOTS` replies.
package enum Topology {
    /// Why a reply could not be read as a topology.
    package struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        package let reason: String
        package var description: String { "unexpected cluster topology reply: \(reason)" }
    }

    /// From `CLUSTER SHARDS`. `seedHost` replaces an empty or `?` announced address.
    package static func fromShards(_ reply: RESPValue, seedHost: String) throws(Malformed) -> SlotMap {
        guard case .array(let entries) = reply else { throw Malformed(reason: "CLUSTER SHARDS is not an array") }
        var result: [(Shard, [ClosedRange<Int>])] = []
        for entry in entries {
            let fields = entry.fields
            guard case .some(.array(let slotBounds)) = fields["slots"], case .some(.array(let nodes)) = fields["nodes"]
            else {
                throw Malformed(reason: "a shard without slots or nodes")
            }
            var ranges: [ClosedRange<Int>] = []
            var i = 0
            while i + 1 < slotBounds.count {
                guard case .integer(let a) = slotBounds[i], case .integer(let b) = slotBounds[i + 1], a <= b else {
                    throw Malformed(reason: "a bad slot range")
                }
                ranges.append(Int(a)...Int(b))
                i += 2
            }
            var master: NodeAddress?
            var healthy: [NodeAddress] = []
            var others: [NodeAddress] = []
            for node in nodes {
                let f = node.fields
                guard case .some(.integer(let port)) = f["port"] ?? f["tls-port"] else { continue }
                let host =
                    [f["hostname"], f["endpoint"], f["ip"]].compactMap { $0?.text }
                    .first { !$0.isEmpty && $0 != "?" } ?? seedHost
                let address = NodeAddress(host: host, port: Int(port))
                let role = f["role"]?.text
                if role == "master" {
                    if f["health"]?.text != "fail" || master == nil { master = address }
                } else if f["health"]?.text == "online" {
                    healthy.append(address)
                } else {
                    others.append(address)
                }
            }
            // A shard without slots serves no key: a failed-over master left behind (health
            // fail), or a node added but not given slots yet. Routing and scanning skip it.
            if ranges.isEmpty { continue }
            guard let master else { throw Malformed(reason: "a shard with slots but no master") }
            result.append((Shard(master: master, replicas: healthy + others), ranges))
        }
        return SlotMap(shards: result)
    }

    /// From `CLUSTER SLOTS` (older servers): `[start, end, [ip, port, id, ...], replicas...]`.
    package static func fromSlots(_ reply: RESPValue, seedHost: String) throws(Malformed) -> SlotMap {
        guard case .array(let entries) = reply else { throw Malformed(reason: "CLUSTER SLOTS is not an array") }
        var byMaster: [NodeAddress: (Shard, [ClosedRange<Int>])] = [:]
        var order: [NodeAddress] = []
        for entry in entries {
            guard case .array(let e) = entry, e.count >= 3, case .integer(let a) = e[0], case .integer(let b) = e[1],
                a <= b
            else {
                throw Malformed(reason: "a bad CLUSTER SLOTS entry")
            }
            let nodes = e.dropFirst(2).compactMap { node -> NodeAddress? in
                guard case .array(let n) = node, n.count >= 2, case .integer(let port) = n[1] else { return nil }
                let ip = n[0].text ?? ""
                return NodeAddress(host: ip.isEmpty || ip == "?" ? seedHost : ip, port: Int(port))
            }
            guard let master = nodes.first else { throw Malformed(reason: "a slot range without a master") }
            if byMaster[master] == nil {
                byMaster[master] = (Shard(master: master, replicas: Array(nodes.dropFirst())), [])
                order.append(master)
            }
            byMaster[master]?.1.append(Int(a)...Int(b))
        }
        return SlotMap(shards: order.compactMap { byMaster[$0] })
    }

}
