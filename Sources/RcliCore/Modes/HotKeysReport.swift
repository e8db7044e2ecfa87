import RESP
import RedisNet

/// `--hotkeys`: the 16 keys with the highest OBJECT FREQ, kept as redis-cli's eviction-pool
/// style array (ascending counters).
struct HotKeysReport: KeyReport {
    private static let poolSize = 16
    private(set) var sampled = 0
    private var counters = [Int](repeating: 0, count: poolSize)
    private var hotKeys = [[UInt8]?](repeating: nil, count: poolSize)
    private var nodes = [String](repeating: "", count: poolSize)

    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
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
            if sampled % 1_000_000 == 0 {
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
            out.write(System.cFormat("[%05.2f%%] Hot key ", pct))
            out.write(KeyStatsMode.quoted(key))
            out.write(" found so far with counter \(freq)\n")
        }
    }

    func summary(out: OutputSink) {
        out.write("Sampled \(sampled) keys in the keyspace!\n")
        for k in stride(from: Self.poolSize - 1, through: 0, by: -1) where counters[k] > 0 {
            guard let key = hotKeys[k] else { continue }
            out.write("hot key found with counter: \(counters[k])\tkeyname: ")
            var quoted: [UInt8] = []
            Escaping.appendRepr(key, to: &quoted)
            out.write(quoted)
            out.write(nodes[k].isEmpty ? "\n" : " (on \(nodes[k]))\n")
        }
    }
}
