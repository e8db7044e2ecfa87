import RESP
import RedisNet

/// `--latency`, `--latency-history` and `--latency-dist`: PING every 10 ms and report as
/// redis-cli does. On a terminal (default format) the running line is redrawn; otherwise
/// `--latency` samples for `-i` seconds (default 1), prints one line and exits, and
/// `--latency-history` prints a line per sample. A server that goes away is reconnected to.
enum LatencyMode {
    private static let sampleRate = 0.010

    static func run(_ kind: LatencyKind, config: CLIConfiguration, session: Session, output: OutputContext) -> Int32 {
        let server = Reconnecting(session: session, output: output)
        do throws(RcliError) {
            switch kind {
            case .running, .history:
                try running(history: kind == .history, config: config, server: server, output: output)
            case .distribution: try distribution(config: config, server: server, output: output)
            }
            return 0
        } catch {
            return output.fail(error)
        }
    }

    private static func ping(_ server: Reconnecting) throws(RcliError) {
        if case .error(let msg) = try server.call([Array("PING".utf8)]) {
            throw RcliError.mode("Error: " + String(decoding: msg, as: UTF8.self))
        }
    }

    private static func running(
        history: Bool, config: CLIConfiguration, server: Reconnecting,
        output: OutputContext
    ) throws(RcliError) {
        let format = config.outputFormat ?? (output.stdoutIsTerminal ? .tty : .raw)
        let historyInterval = config.interval > 0 ? config.interval : 15
        let sampleFor = config.interval > 0 ? config.interval : 1
        var start = monotonicSeconds()
        var minimum = 0
        var maximum = 0
        var total = 0
        var count = 0
        let out = output.out
        var percentiles = config.latencyPercentiles.isEmpty ? nil : LatencyPercentiles(config.latencyPercentiles)
        while true {
            let sentAt = monotonicSeconds()
            try ping(server)
            let now = monotonicSeconds()
            // As redis-cli: the difference of two millisecond clocks.
            let latency = Int(now * 1000) - Int(sentAt * 1000)
            percentiles?.record(microseconds: Int((now - sentAt) * 1_000_000))
            count += 1
            if count == 1 {
                minimum = latency
                maximum = latency
                total = latency
            } else {
                minimum = min(minimum, latency)
                maximum = max(maximum, latency)
                total += latency
            }
            let average = Double(total) / Double(count)
            let text = percentiles?.line(format: format) ?? line(minimum, maximum, average, count, format: format)
            if format == .tty {
                out.write("\u{1b}[0G\u{1b}[2K" + text)
                out.flush()
            } else if history {
                out.write(text)
                out.flush()
            } else if monotonicSeconds() - start > sampleFor {
                out.write(text)
                out.flush()
                return
            }
            if history && monotonicSeconds() - start > historyInterval {
                out.write(System.cFormat(" -- %.2f seconds range\n", monotonicSeconds() - start))
                out.flush()
                start = monotonicSeconds()
                minimum = 0
                maximum = 0
                total = 0
                count = 0
                percentiles?.reset()
            }
            System.sleep(seconds: sampleRate)
        }
    }

    private static func line(_ minimum: Int, _ maximum: Int, _ average: Double, _ count: Int, format: OutputFormat)
        -> String
    {
        switch format {
        case .tty:
            return "min: \(minimum), max: \(maximum), avg: " + System.cFormat("%.2f", average) + " (\(count) samples)"
        case .csv: return "\(minimum),\(maximum)," + System.cFormat("%.2f", average) + ",\(count)\n"
        case .raw: return "\(minimum) \(maximum) " + System.cFormat("%.2f", average) + " \(count)\n"
        case .json, .quotedJSON:
            // redis-cli 7.0 and 7.4 print this one with spaces and "count".
            return "{\"min\": \(minimum), \"max\": \(maximum), \"avg\": " + System.cFormat("%.2f", average)
                + ", \"count\": \(count)}\n"
        }
    }

    /// Upper bounds (µs) and characters of redis-cli's spectrum; the last bucket takes the rest.
    private static let buckets: [(max: Int, character: Character)] = [
        (10, "."), (125, "-"), (250, "*"), (500, "#"), (1000, "1"), (2000, "2"), (3000, "3"), (4000, "4"),
        (5000, "5"), (6000, "6"), (7000, "7"), (8000, "8"), (9000, "9"), (10000, "A"), (20000, "B"),
        (30000, "C"), (40000, "D"), (50000, "E"), (100_000, "F"), (200_000, "G"), (300_000, "H"),
        (400_000, "I"), (500_000, "J"), (1_000_000, "K"), (2_000_000, "L"), (4_000_000, "M"),
        (8_000_000, "N"), (16_000_000, "O"), (30_000_000, "P"), (60_000_000, "Q"), (Int.max, "?"),
    ]
    private static let palette = [
        0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 144, 143, 142, 184, 226, 214, 208, 202, 196,
    ]

    private static func distribution(config: CLIConfiguration, server: Reconnecting, output: OutputContext)
        throws(RcliError)
    {
        let interval = config.interval > 0 ? config.interval : 1
        var counts = [Int](repeating: 0, count: buckets.count)
        var count = 0
        var outputs = 0
        var start = monotonicSeconds()
        let out = output.out
        while true {
            let sent = monotonicSeconds()
            try ping(server)
            let latency = Int((monotonicSeconds() - sent) * 1_000_000)
            count += 1
            counts[buckets.firstIndex { latency <= $0.max } ?? buckets.count - 1] += 1
            if monotonicSeconds() - start > interval {
                if outputs % 20 == 0 { out.write(legend()) }
                outputs += 1
                var line = "\u{1b}[38;5;0m"
                for (i, bucket) in buckets.enumerated() {
                    let index = Int((Double(counts[i]) / Double(count) * Double(palette.count - 1)).rounded(.up))
                    line += "\u{1b}[48;5;\(palette[min(index, palette.count - 1)])m\(bucket.character)"
                    counts[i] = 0
                }
                out.write(line + "\u{1b}[0m\n")
                out.flush()
                start = monotonicSeconds()
                count = 0
            }
            System.sleep(seconds: sampleRate)
        }
    }

    private static func legend() -> String {
        var s = "---------------------------------------------\n"
        s += ". - * #          .01 .125 .25 .5 milliseconds\n"
        s += "1,2,3,...,9      from 1 to 9     milliseconds\n"
        s += "A,B,C,D,E        10,20,30,40,50  milliseconds\n"
        s += "F,G,H,I,J        .1,.2,.3,.4,.5       seconds\n"
        s += "K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds\n"
        s += "From 0 to 100%: "
        for color in palette { s += "\u{1b}[48;5;\(color)m " }
        s += "\u{1b}[0m\n---------------------------------------------\n"
        return s
    }
}
