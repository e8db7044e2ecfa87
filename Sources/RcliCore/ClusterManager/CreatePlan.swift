/// `--cluster create`'s planning, as redis-cli 7.0 does it (pure: no network): nodes interleaved
/// by host, the first ones made masters, slot ranges split with redis-cli's float rounding,
/// replicas assigned avoiding their master's host, then random swaps that never make the
/// anti-affinity score worse.
struct CreatePlan: Equatable {
    /// Indices (into the given nodes) of the masters, in order.
    var masters: [Int]
    /// Each master's slot range (same order as `masters`).
    var slots: [ClosedRange<Int>]
    /// node index → index into `masters` of the master it replicates (nil: a master or unused).
    var replicaOf: [Int?]
    /// `Adding replica a to b` lines, as (replica, master) node indices, in the order assigned.
    var added: [(Int, Int)]
    /// Where `Adding extra replicas...` goes in `added` (nil: no extra pass).
    var extraPassAt: Int?
    /// The anti-affinity score before the swaps (redis-cli announces the optimisation when > 0).
    var initialScore = 0

    static func == (a: CreatePlan, b: CreatePlan) -> Bool {
        a.masters == b.masters && a.slots == b.slots && a.replicaOf == b.replicaOf
            && a.added.map { [$0.0, $0.1] } == b.added.map { [$0.0, $0.1] } && a.extraPassAt == b.extraPassAt
    }

    /// Masters for `nodeCount` nodes with `replicas` each (integer division, as redis-cli).
    static func masterCount(nodes: Int, replicas: Int) -> Int { nodes / (replicas + 1) }

    /// redis-cli's slot split: a float cursor advanced by 16384/masters, each range ending at
    /// lround(cursor + per - 1), the last one forced to 16383.
    static func slotRanges(masters: Int) -> [ClosedRange<Int>] {
        guard masters > 0 else { return [] }
        let perNode = Float(16384) / Float(masters)
        var first = 0
        var cursor: Float = 0
        var ranges: [ClosedRange<Int>] = []
        for i in 0..<masters {
            var last = Int((cursor + perNode - 1).rounded())
            if last > 16384 || i == masters - 1 { last = 16383 }
            if last < first { last = first }
            ranges.append(first...last)
            first = last + 1
            cursor += perNode
        }
        return ranges
    }

    /// The node indices taken one host at a time (hosts in first-seen order).
    static func interleave(hosts: [String]) -> [Int] {
        var groups: [(host: String, nodes: [Int])] = []
        for (i, host) in hosts.enumerated() {
            if let g = groups.firstIndex(where: { $0.host == host }) {
                groups[g].nodes.append(i)
            } else {
                groups.append((host, [i]))
            }
        }
        var result: [Int] = []
        var round = 0
        while result.count < hosts.count {
            for g in groups where round < g.nodes.count { result.append(g.nodes[round]) }
            round += 1
        }
        return result
    }

    /// Plans a cluster of nodes on `hosts` (one entry per node, the host as typed).
    static func make<R: RandomNumberGenerator>(hosts: [String], replicas: Int, random: inout R) -> CreatePlan {
        let count = masterCount(nodes: hosts.count, replicas: replicas)
        let order = interleave(hosts: hosts)
        let masters = Array(order.prefix(count))
        var pool: [Int?] = Array(order.dropFirst(count))
        if let first = pool.first {
            pool.removeFirst()
            pool.append(first)
        }
        var replicaOf = [Int?](repeating: nil, count: hosts.count)
        var added: [(Int, Int)] = []
        var start = 0
        var available = pool.count
        var extraPassAt: Int?
        var assignUnused = false
        while true {
            for (m, master) in masters.enumerated() {
                var assigned = 0
                while assigned < replicas {
                    if available == 0 { break }
                    var found: Int?
                    var firstIndex: Int?
                    var j = start
                    while j < pool.count {
                        if let n = pool[j] {
                            if hosts[n] != hosts[master] {
                                found = n
                                pool[j] = nil
                                break
                            }
                            if firstIndex == nil { firstIndex = j }
                        }
                        j += 1
                    }
                    var replica = found
                    if replica == nil, let f = firstIndex {
                        replica = pool[f]
                        start = f + 1
                    }
                    guard let chosen = replica else { break }
                    assigned += 1
                    available -= 1
                    replicaOf[chosen] = m
                    added.append((chosen, master))
                    if assignUnused { break }
                }
            }
            if !assignUnused && available > 0 {
                assignUnused = true
                extraPassAt = added.count
                continue
            }
            break
        }
        var plan = CreatePlan(
            masters: masters, slots: slotRanges(masters: count), replicaOf: replicaOf, added: added,
            extraPassAt: extraPassAt)
        plan.initialScore = plan.antiAffinity(hosts: hosts).score
        plan.optimizeAntiAffinity(hosts: hosts, random: &random)
        return plan
    }

    /// redis-cli's anti-affinity score: per host, a master with k of its replicas costs 10000×k,
    /// and k ≥ 2 replicas of one master without it cost k. Also one offending replica per group.
    func antiAffinity(hosts: [String]) -> (score: Int, offenders: [Int]) {
        var offenders: [Int] = []
        let score = Layout(hosts: hosts, masters: masters).score(replicaOf, offenders: &offenders)
        return (score, offenders)
    }

    /// Random swaps of two replicas' masters, kept unless they make the score worse, up to
    /// 500 × nodes tries or a perfect score. Each try costs time linear in the nodes (what the
    /// score reads that swaps do not change is worked out once, `Layout`): on 200 nodes on one
    /// host the 100,000 tries took seconds when each score looked every node up in the masters.
    mutating func optimizeAntiAffinity<R: RandomNumberGenerator>(hosts: [String], random: inout R) {
        let layout = Layout(hosts: hosts, masters: masters)
        // Swaps exchange masters between replicas: the replicas stay the same nodes.
        let replicas = hosts.indices.filter { replicaOf[$0] != nil }
        var position = [Int](repeating: 0, count: hosts.count)
        for (i, node) in replicas.enumerated() { position[node] = i }
        var offenders: [Int] = []
        var ignored: [Int] = []
        var budget = 500 * hosts.count
        while budget > 0 {
            offenders.removeAll(keepingCapacity: true)
            let score = layout.score(replicaOf, offenders: &offenders)
            if score == 0 || offenders.isEmpty { return }
            let first = offenders[Int.random(in: 0..<offenders.count, using: &random)]
            // A random replica other than `first` (the others in node order, as redis-cli lists them).
            if replicas.count < 2 { return }
            let pick = Int.random(in: 0..<(replicas.count - 1), using: &random)
            let second = replicas[pick < position[first] ? pick : pick + 1]
            replicaOf.swapAt(first, second)
            ignored.removeAll(keepingCapacity: true)
            if layout.score(replicaOf, offenders: &ignored) > score { replicaOf.swapAt(first, second) }
            budget -= 1
        }
    }

    /// What the anti-affinity score reads that swaps do not change: the nodes of each host (hosts
    /// in first-seen order, nodes in order) and which master each master node is.
    private struct Layout {
        let hostNodes: [[Int]]
        let masterIndex: [Int?]
        let masterCount: Int

        init(hosts: [String], masters: [Int]) {
            var group: [String: Int] = [:]
            var nodes: [[Int]] = []
            for (node, host) in hosts.enumerated() {
                if let g = group[host] {
                    nodes[g].append(node)
                } else {
                    group[host] = nodes.count
                    nodes.append([node])
                }
            }
            hostNodes = nodes
            var index = [Int?](repeating: nil, count: hosts.count)
            for (m, node) in masters.enumerated() where index[node] == nil { index[node] = m }
            masterIndex = index
            masterCount = masters.count
        }

        /// The score of `replicaOf`; appends one offending replica per group to `offenders`.
        func score(_ replicaOf: [Int?], offenders: inout [Int]) -> Int {
            var hasMaster = [Bool](repeating: false, count: masterCount)
            var replicas = [Int](repeating: 0, count: masterCount)
            var firstReplica = [Int](repeating: 0, count: masterCount)
            var order: [Int] = []
            var score = 0
            for nodes in hostNodes {
                // Per master with nodes on this host, in the order they first appear.
                order.removeAll(keepingCapacity: true)
                for node in nodes {
                    if let m = masterIndex[node] {
                        if !hasMaster[m] && replicas[m] == 0 { order.append(m) }
                        hasMaster[m] = true
                    } else if let m = replicaOf[node], m < masterCount {
                        if !hasMaster[m] && replicas[m] == 0 { order.append(m) }
                        if replicas[m] == 0 { firstReplica[m] = node }
                        replicas[m] += 1
                    }
                }
                for m in order {
                    if replicas[m] + (hasMaster[m] ? 1 : 0) >= 2 {
                        score += hasMaster[m] ? 10000 * replicas[m] : replicas[m]
                        if replicas[m] > 0 { offenders.append(firstReplica[m]) }
                    }
                    hasMaster[m] = false
                    replicas[m] = 0
                }
            }
            return score
        }
    }
}
