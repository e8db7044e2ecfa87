/// `--cluster rebalance`'s arithmetic, as redis-cli 7.0 (pure): each weighted master's balance
/// is its slots minus `Int(Float(16384) / totalWeight * weight)`; rounding leftovers are taken
/// one at a time, in cluster order, from the involved nodes whose balance is not positive; then
/// the most negative receives from the most positive, pair by pair.
struct RebalancePlan: Equatable {
    /// One node in cluster order: its slots, its weight, and whether it takes part (a master
    /// with a weight above 0).
    struct Node: Equatable {
        var slots: Int
        var weight: Double
        var involved: Bool
    }

    /// `count` slots go from node `from` to node `to` (indices into the input).
    struct Move: Equatable {
        var from: Int
        var to: Int
        var count: Int
    }

    /// False when every node is within the threshold: nothing to do.
    var needed: Bool
    /// Each involved node's balance after the rounding fix, sorted as the moves use them.
    var balances: [(node: Int, balance: Int)]
    var moves: [Move]

    static func == (a: RebalancePlan, b: RebalancePlan) -> Bool {
        a.needed == b.needed && a.moves == b.moves
            && a.balances.map { [$0.node, $0.balance] }
                == b.balances.map { [$0.node, $0.balance] }
    }

    static func make(_ nodes: [Node], threshold: Double) -> RebalancePlan {
        let totalWeight = nodes.filter(\.involved).reduce(0.0) { $0 + $1.weight }
        guard totalWeight > 0 else { return RebalancePlan(needed: false, balances: [], moves: []) }
        var balance = [Int](repeating: 0, count: nodes.count)
        var needed = false
        var total = 0
        for (i, node) in nodes.enumerated() where node.involved {
            let expected = Int(Float(16384) / Float(totalWeight) * Float(node.weight))
            balance[i] = node.slots - expected
            total += balance[i]
            if threshold > 0 {
                if node.slots > 0 {
                    if abs(100 - 100.0 * Double(expected) / Double(node.slots)) > threshold { needed = true }
                } else if expected > 1 {
                    needed = true
                }
            }
        }
        guard needed else { return RebalancePlan(needed: false, balances: [], moves: []) }
        while total > 0 {
            for i in nodes.indices where nodes[i].involved && balance[i] <= 0 && total > 0 {
                balance[i] -= 1
                total -= 1
            }
        }
        var order = nodes.indices.filter { nodes[$0].involved }
        order.sort { balance[$0] != balance[$1] ? balance[$0] < balance[$1] : $0 < $1 }
        let sorted = order.map { (node: $0, balance: balance[$0]) }
        var moves: [Move] = []
        var dst = 0
        var src = order.count - 1
        while dst < src {
            let d = order[dst]
            let s = order[src]
            let count = min(abs(balance[d]), abs(balance[s]))
            if count > 0 { moves.append(Move(from: s, to: d, count: count)) }
            balance[d] += count
            balance[s] -= count
            if balance[d] == 0 { dst += 1 }
            if balance[s] == 0 { src -= 1 }
            if count == 0 && balance[d] != 0 && balance[s] != 0 { break }
        }
        return RebalancePlan(needed: true, balances: sorted, moves: moves)
    }
}
