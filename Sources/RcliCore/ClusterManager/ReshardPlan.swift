/// Which slots a reshard moves from which source (pure; redis-cli 7.0's arithmetic): sources
/// sorted by slot count (most first, ties in the given order), each giving its share of
/// `count` in 32-bit float (rounded up for the first, down for the rest) from its lowest slots.
/// Like redis-cli the total can come out a little short of `count`; the plan says how many.
enum ReshardPlan {
    /// `(slot, source index)` in the order they are moved.
    static func make(count: Int, sources: [[ClosedRange<Int>]]) -> [(slot: Int, source: Int)] {
        let sizes = sources.map { $0.reduce(0) { $0 + $1.count } }
        let total = sizes.reduce(0, +)
        guard total > 0 else { return [] }
        let order = sources.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var plan: [(Int, Int)] = []
        for (rank, index) in order.enumerated() {
            var share = Float(count) / Float(total) * Float(sizes[index])
            share = rank == 0 ? share.rounded(.up) : share.rounded(.down)
            let limit = Int(share)
            var taken = 0
            for range in sources[index].sorted(by: { $0.lowerBound < $1.lowerBound }) {
                for slot in range {
                    if taken >= limit || plan.count >= count { break }
                    plan.append((slot, index))
                    taken += 1
                }
            }
        }
        return plan
    }
}
