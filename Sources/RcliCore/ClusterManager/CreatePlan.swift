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
        var score = 0
        var offenders: [Int] = []
        var seenHosts: [String] = []
        for host in hosts where !seenHosts.contains(host) { seenHosts.append(host) }
        for host in seenHosts {
            // master index → (has the master here, replicas here)
            var groups: [Int: (master: Bool, replicas: [Int])] = [:]
            var order: [Int] = []
            for node in hosts.indices where hosts[node] == host {
                if let m = masters.firstIndex(of: node) {
                    if groups[m] == nil { order.append(m) }
                    groups[m, default: (false, [])].master = true
                } else if let m = replicaOf[node] {
                    if groups[m] == nil { order.append(m) }
                    groups[m, default: (false, [])].replicas.append(node)
                }
            }
            for m in order {
                guard let g = groups[m] else { continue }
                let size = g.replicas.count + (g.master ? 1 : 0)
                guard size >= 2 else { continue }
                score += g.master ? 10000 * g.replicas.count : g.replicas.count
                if let first = g.replicas.first { offenders.append(first) }
            }
        }
        return (score, offenders)
    }

    /// Random swaps of two replicas' masters, kept unless they make the score worse, up to
    /// 500 × nodes tries or a perfect score.
    mutating func optimizeAntiAffinity<R: RandomNumberGenerator>(hosts: [String], random: inout R) {
        var budget = 500 * hosts.count
        while budget > 0 {
            let (score, offenders) = antiAffinity(hosts: hosts)
            if score == 0 || offenders.isEmpty { return }
            let first = offenders[Int.random(in: 0..<offenders.count, using: &random)]
            let others = hosts.indices.filter { $0 != first && replicaOf[$0] != nil }
            if others.isEmpty { return }
            let second = others[Int.random(in: 0..<others.count, using: &random)]
            replicaOf.swapAt(first, second)
            if antiAffinity(hosts: hosts).score > score { replicaOf.swapAt(first, second) }
            budget -= 1
        }
    }
}
