/// A fast generator (SplitMix64) seeded once from the system's, whose generator makes a system
/// call per number: `--lru-test` draws seven numbers per command (a call each would halve its
/// rate) and `--cluster create`'s replica swaps 100,000 for 200 nodes on one host.
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
