/// An HDR-style histogram of key sizes, as redis-cli's `--keystats` keeps: four significant
/// digits (values below 32768 exact; above, buckets of 2^k so a value keeps 15 significant
/// bits, "0.01% size precision"). Percentile rows follow hdr_iter_percentile with one tick per
/// half distance (0%, 50%, 75%, 87.5% ...), each naming the highest value of its bucket.
struct SizeHistogram: Equatable {
    /// Bucket's lowest value -> count.
    private(set) var counts: [UInt64: Int] = [:]
    private(set) var total = 0

    /// One row of the percentile table.
    struct Row: Equatable {
        var value: UInt64
        var percentile: Double
        var cumulative: Int
    }

    static let exactBits = 15

    /// The lowest value and the width of the bucket `value` falls in.
    static func bucket(_ value: UInt64) -> (lowest: UInt64, size: UInt64) {
        let width = UInt64.bitWidth - value.leadingZeroBitCount
        guard width > exactBits else { return (value, 1) }
        let shift = UInt64(width - exactBits)
        return ((value >> shift) << shift, 1 << shift)
    }

    mutating func record(_ value: UInt64) {
        counts[Self.bucket(value).lowest, default: 0] += 1
        total += 1
    }

    /// The percentile table: a row per level reached, rows repeating the previous count
    /// skipped, the last one shown as 100%.
    func rows() -> [Row] {
        guard total > 0 else { return [] }
        var rows: [Row] = []
        var level = 0.0
        var cumulative = 0
        for lowest in counts.keys.sorted() {
            cumulative += counts[lowest] ?? 0
            let reached = 100 * Double(cumulative) / Double(total)
            let b = Self.bucket(lowest)
            while level <= reached {
                if rows.last?.cumulative != cumulative {
                    rows.append(Row(value: b.lowest + b.size - 1, percentile: level, cumulative: cumulative))
                }
                if level >= 100 { break }
                level += Self.step(after: level)
            }
        }
        if !rows.isEmpty { rows[rows.count - 1].percentile = 100 }
        return rows
    }

    /// hdr's next percentile step: 100 / (2 × 2^floor(log2(100 / (100 - level)))).
    static func step(after level: Double) -> Double {
        let remaining = 100 - level
        guard remaining > 0 else { return 100 }
        var halves = 1.0
        while 100 / remaining >= halves * 2 { halves *= 2 }
        return 100 / (2 * halves)
    }

    /// The value at `percentile` (0...100), as hdr_value_at_percentile: the highest value of the
    /// bucket where the count reaches percentile × total (rounded, at least 1); 0 when empty.
    func value(atPercentile percentile: Double) -> UInt64 {
        let wanted = max(1, Int(percentile / 100 * Double(total) + 0.5))
        var cumulative = 0
        for lowest in counts.keys.sorted() {
            cumulative += counts[lowest] ?? 0
            if cumulative >= wanted {
                let b = Self.bucket(lowest)
                return b.lowest + b.size - 1
            }
        }
        return 0
    }

    /// Mean and standard deviation over each bucket's middle value (hdr_mean, hdr_stddev).
    func meanAndDeviation() -> (mean: Double, deviation: Double) {
        guard total > 0 else { return (0, 0) }
        var sum = 0.0
        for (lowest, n) in counts { sum += Double(n) * Self.middle(lowest) }
        let mean = sum / Double(total)
        var squares = 0.0
        for (lowest, n) in counts {
            let d = Self.middle(lowest) - mean
            squares += Double(n) * d * d
        }
        return (mean, (squares / Double(total)).squareRoot())
    }

    private static func middle(_ lowest: UInt64) -> Double {
        let b = bucket(lowest)
        return Double(b.lowest + b.size / 2)
    }
}
