import RESP
import RedisNet

/// `--hotkeys`: the 16 keys with the highest OBJECT FREQ, kept as redis-cli's eviction-pool
/// style array (ascending counters), printed as redis-cli 7.4 does.
struct HotKeysReport: KeyReport {
    private static let poolSize = 16
    private(set) var sampled = 0
    private var counters = [Int](repeating: 0, count: poolSize)
    private var hotKeys = [[UInt8]?](repeating: nil, count: poolSize)
    private var nodes = [String](repeating: "", count: poolSize)

    /// redis-cli 7.4 clears a blank line and the pool's lines.
    var clearedLines: Int { Self.poolSize + 1 }

    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double, tty: Bool,
        output: OutputContext
    ) throws(RcliError) {
        guard !keys.isEmpty else { return }
        let out = output.out
        let replies = try KeySpaceScan.pipeline(conn, keys.map { [Array("OBJECT".utf8), Array("FREQ".utf8), $0] })
        for (key, reply) in zip(keys, replies) {
            var freq = 0
            switch reply {
            case .integer(let n): freq = Int(n)
            case .error(let msg): throw RcliError.mode("Error: " + String(decoding: msg, as: UTF8.self))
            default:
                out.flush()
                output.err.write(
                    "Warning: OBJECT freq on '\(String(decoding: key, as: UTF8.self))' failed (may have been deleted)\n"
                )
                output.err.flush()
            }
            sampled += 1
            if !tty && sampled % 1_000_000 == 0 {
                out.write(System.cFormat("[%05.2f%%] Sampled %d keys so far\n", pct, sampled))
            }
            var k = 0
            while k < Self.poolSize && freq > counters[k] { k += 1 }
            if k == 0 { continue }
            k -= 1
            if k != 0 && counters[k] != 0 {
                // Shift the lower entries down, dropping the smallest.
                for j in 0..<k {
                    counters[j] = counters[j + 1]
                    hotKeys[j] = hotKeys[j + 1]
                    nodes[j] = nodes[j + 1]
                }
            }
            counters[k] = freq
            hotKeys[k] = key
            nodes[k] = node
            if !tty {
                out.write(System.cFormat("[%05.2f%%] Hot key ", pct))
                out.write(BigKeysReport.repr(key))
                out.write(" found so far with counter \(freq)\n")
            }
        }
    }

    /// The hottest first.
    private var hottest: [(counter: Int, key: [UInt8], node: String)] {
        stride(from: Self.poolSize - 1, through: 0, by: -1).compactMap { k in
            guard counters[k] > 0, let key = hotKeys[k] else { return nil }
            return (counters[k], key, nodes[k])
        }
    }

    func liveLines() -> [[UInt8]] {
        hottest.map { Array("hot key found with counter: \($0.counter)\tkeyname: ".utf8) + BigKeysReport.repr($0.key) }
    }

    func summary(out: OutputSink) {
        for hot in hottest {
            out.write("hot key found with counter: \(hot.counter)\tkeyname: ")
            out.write(BigKeysReport.repr(hot.key))
            out.write(hot.node.isEmpty ? "\n" : " (on \(hot.node))\n")
        }
    }
}
