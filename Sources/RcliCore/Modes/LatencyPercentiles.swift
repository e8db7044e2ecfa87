/// `--latency-percentiles 50,99,99.9` with `--latency` / `--latency-history`: one window's PING
/// times in microseconds, shown in milliseconds to the microsecond with the percentiles asked
/// for (redis-cli 8.x): `min: 0.031, max: 0.336, avg: 0.103 (812 samples), p50: 0.089, ...`.
/// The percentiles come from an HDR-style histogram (`SizeHistogram`: exact to 32.767 ms).
struct LatencyPercentiles {
    /// The percentiles to show, in the order given.
    let percentiles: [Double]
    private var histogram = SizeHistogram()
    private var minimum = 0
    private var maximum = 0
    private var total = 0

    init(_ percentiles: [Double]) {
        self.percentiles = percentiles
    }

    /// Adds one PING's time.
    mutating func record(microseconds: Int) {
        let us = max(0, microseconds)
        minimum = histogram.total == 0 ? us : min(minimum, us)
        maximum = max(maximum, us)
        total += us
        histogram.record(UInt64(us))
    }

    /// A new window (`--latency-history`).
    mutating func reset() {
        self = LatencyPercentiles(percentiles)
    }

    /// The line for `format`: redrawn text on a terminal, fields for raw and CSV, an object for JSON.
    func line(format: OutputFormat) -> String {
        let count = histogram.total
        let average = count == 0 ? 0 : Double(total) / Double(count) / 1000
        // A bucket above 32.767 ms names its highest value, which may lie past the slowest PING:
        // a percentile is kept within what was measured.
        let values = percentiles.map {
            let us = min(max(Int(histogram.value(atPercentile: $0)), minimum), maximum)
            return (Self.label($0), Self.ms(Double(us) / 1000))
        }
        let (low, high, avg) = (Self.ms(Double(minimum) / 1000), Self.ms(Double(maximum) / 1000), Self.ms(average))
        switch format {
        case .tty:
            return "min: \(low), max: \(high), avg: \(avg) (\(count) samples)"
                + values.map { ", p\($0.0): \($0.1)" }.joined()
        case .raw:
            return ([low, high, avg, "\(count)"] + values.map(\.1)).joined(separator: " ") + "\n"
        case .csv:
            return ([low, high, avg, "\(count)"] + values.map(\.1)).joined(separator: ",") + "\n"
        case .json, .quotedJSON:
            let fields = values.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
            return "{\"min\":\(low),\"max\":\(high),\"avg\":\(avg),\"count\":\(count),\"percentiles\":{\(fields)}}\n"
        }
    }

    private static func ms(_ value: Double) -> String { System.cFormat("%.3f", value) }

    /// `50`, `99.9`: the percentile as written, without trailing zeros.
    static func label(_ percentile: Double) -> String { System.cFormat("%g", percentile) }

    /// Parses `50,99,99.9`; nil unless every item is a number from 0 to 100.
    static func parse(_ text: String) -> [Double]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = items.compactMap { item -> Double? in
            guard let v = Double(item.trimmingPrefix(" ")), v.isFinite, v >= 0, v <= 100 else { return nil }
            return v
        }
        return values.count == items.count && !values.isEmpty ? values : nil
    }
}
