import RESP

/// Builds a `SlotMap` from `CLUSTER SHARDS` (Redis 7) or `CLUSTER SLOTS` replies.
package enum Topology {
    /// Why a reply could not be read as a topology.
    package struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        package let reason: String
        package var description: String { "unexpected cluster topology reply: \(reason)" }
    }

    /// From `CLUSTER SHARDS`. Each node is addressed by its `endpoint` (what the cluster prefers,
    /// as in MOVED: the IP unless `cluster-preferred-endpoint-type` says otherwise), else its
    /// `ip`; `seedHost` replaces an empty or `?` address. An announced `hostname` is kept aside
    /// (`SlotMap.names`), for TLS checks, never dialled.
    package static func fromShards(_ reply: RESPValue, seedHost: String) throws(Malformed) -> SlotMap {
        guard case .array(let entries) = reply else { throw Malformed(reason: "CLUSTER SHARDS is not an array") }
        var result: [(Shard, [ClosedRange<Int>])] = []
        var names: [NodeAddress: NodeNames] = [:]
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
                let host = address(endpoint: f["endpoint"]?.text, ip: f["ip"]?.text, seedHost: seedHost)
                let address = NodeAddress(host: host, port: Int(port))
                let announced = NodeNames(endpoint: host, hostname: f["hostname"]?.text, ip: f["ip"]?.text)
                if !announced.isEmpty { names[address] = announced }
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
        return SlotMap(shards: result, names: names)
    }

    /// Each node's `endpoint` by node id, from `CLUSTER SHARDS` (empty for anything else; nodes
    /// whose endpoint is empty or `?` are left out).
    package static func endpoints(fromShards reply: RESPValue) -> [String: String] {
        guard case .array(let shards) = reply else { return [:] }
        var result: [String: String] = [:]
        for shard in shards {
            guard case .some(.array(let nodes)) = shard.fields["nodes"] else { continue }
            for node in nodes {
                let f = node.fields
                guard let id = f["id"]?.text, let endpoint = f["endpoint"]?.text, !endpoint.isEmpty, endpoint != "?"
                else { continue }
                result[id] = endpoint
            }
        }
        return result
    }

    /// The address to reach a node by: its endpoint, else its IP, else the seed's host.
    private static func address(endpoint: String?, ip: String?, seedHost: String) -> String {
        [endpoint, ip].compactMap { $0 }.first { !$0.isEmpty && $0 != "?" } ?? seedHost
    }

    /// From `CLUSTER SLOTS` (older servers): `[start, end, [endpoint, port, id, metadata], replicas...]`;
    /// the metadata (Redis 7) holds the `hostname` or `ip` that is not the endpoint.
    package static func fromSlots(_ reply: RESPValue, seedHost: String) throws(Malformed) -> SlotMap {
        guard case .array(let entries) = reply else { throw Malformed(reason: "CLUSTER SLOTS is not an array") }
        var byMaster: [NodeAddress: (Shard, [ClosedRange<Int>])] = [:]
        var names: [NodeAddress: NodeNames] = [:]
        var order: [NodeAddress] = []
        for entry in entries {
            guard case .array(let e) = entry, e.count >= 3, case .integer(let a) = e[0], case .integer(let b) = e[1],
                a <= b
            else {
                throw Malformed(reason: "a bad CLUSTER SLOTS entry")
            }
            let nodes = e.dropFirst(2).compactMap { node -> NodeAddress? in
                guard case .array(let n) = node, n.count >= 2, case .integer(let port) = n[1] else { return nil }
                let metadata = n.count >= 4 ? n[3].fields : [:]
                let host = address(endpoint: n[0].text, ip: metadata["ip"]?.text, seedHost: seedHost)
                let address = NodeAddress(host: host, port: Int(port))
                let announced = NodeNames(
                    endpoint: host, hostname: metadata["hostname"]?.text, ip: metadata["ip"]?.text)
                if !announced.isEmpty { names[address] = announced }
                return address
            }
            guard let master = nodes.first else { throw Malformed(reason: "a slot range without a master") }
            if byMaster[master] == nil {
                byMaster[master] = (Shard(master: master, replicas: Array(nodes.dropFirst())), [])
                order.append(master)
            }
            byMaster[master]?.1.append(Int(a)...Int(b))
        }
        return SlotMap(shards: order.compactMap { byMaster[$0] }, names: names)
    }

}
