/// Stops the run with `message` when a property does not hold (libFuzzer then saves the input).
package func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #file,
    line: UInt = #line
) {
    if !condition() { fatalError("property violated: \(message())", file: file, line: line) }
}

/// Ways to cut one input into the pieces a socket could deliver: whole, one byte at a time, and
/// pieces of pseudo-random sizes drawn from a seed (taken from the input, so a run is
/// reproducible from the saved input alone).
package enum Chunking: CaseIterable, Sendable {
    case whole, bytewise, random

    /// `data` cut this way.
    package func pieces(_ data: [UInt8], seed: UInt64) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole: return [data[...]]
        case .bytewise: return data.indices.map { data[$0..<($0 + 1)] }
        case .random:
            var rng = SplitMix(seed: seed)
            var out: [ArraySlice<UInt8>] = []
            var i = 0
            while i < data.count {
                let n = 1 + Int(rng.next() % 23)
                out.append(data[i..<min(data.count, i + n)])
                i += n
            }
            return out
        }
    }
}

/// A small deterministic generator (SplitMix64).
package struct SplitMix: Sendable {
    private var state: UInt64

    /// A generator started at `seed`.
    package init(seed: UInt64) { state = seed }

    /// The next 64 bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A seed from an input's bytes (FNV-1a), so every input has its own random cut.
package func seed(of data: [UInt8]) -> UInt64 {
    data.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// The bytes libFuzzer hands over, copied.
package func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
