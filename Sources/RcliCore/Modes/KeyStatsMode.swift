import RESP
import RedisNet

/// `--bigkeys`, `--memkeys` (`--memkeys-samples`) and `--hotkeys`: redis-cli's reports, built
/// from SCAN batches with the TYPE, size and OBJECT FREQ commands pipelined per batch. With
/// `-c` one report covers every shard (read from replicas with `--replica-reads`), and the
/// summary names the node of each key.
enum KeyStatsMode {
    static func run(_ kind: KeyStatsKind, config: CLIConfiguration, transport: Transport, output: OutputContext) -> Int32 {
        let nodes = transport.servers(replicas: config.replicaReads)
        let out = output.out
        do throws(RcliError) {
            var total = 0
            for node in nodes {
                let conn = try KeySpaceScan.connect(node.session)
                guard case .integer(let n) = try KeySpaceScan.call(conn, [Array("DBSIZE".utf8)]) else {
                    throw RcliError.mode("Couldn't determine DBSIZE!")
                }
                total += Int(n)
            }
            out.write("\n# Scanning the entire keyspace to find \(kind == .frequency ? "hot" : "biggest") keys as well as\n")
            out.write("# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n")
            out.write("# per 100 SCAN commands (not usually needed).\n\n")
            out.flush()
            var report: KeyReport = kind == .frequency ? HotKeysReport() : BigKeysReport(memory: kind == .memory)
            let scan = KeySpaceScan(config)
            var scans = 0
            for node in nodes {
                try scan.forEachBatch(node.session) { conn, keys throws(RcliError) in
                    let pct = total > 0 ? 100 * Double(report.sampled) / Double(total) : 0
                    try report.add(keys, conn: conn, node: node.label, config: config, pct: pct, output: output)
                    out.flush()
                    scans += 1
                    if config.interval > 0 && scans % 100 == 0 { System.sleep(seconds: config.interval) }
                }
            }
            out.write("\n-------- summary -------\n\n")
            report.summary(out: out)
            out.flush()
            return 0
        } catch {
            return output.fail(error)
        }
    }

    /// `'"key"'` as redis-cli quotes key names in these reports.
    static func quoted(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        Escaping.appendRepr(key, to: &out)
        out.append(UInt8(ascii: "'"))
        return out
    }
}

/// One of the reports: fed batch by batch, then summed up.
protocol KeyReport {
    var sampled: Int { get }
    mutating func add(_ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
                      output: OutputContext) throws(RcliError)
    func summary(out: OutputSink)
}

/// `--bigkeys` (element counts) and `--memkeys` (MEMORY USAGE).
struct BigKeysReport: KeyReport {
    private struct TypeStats {
        let name: String
        let sizeCommand: String?
        let unit: String
        var count = 0
        var total = 0
        var biggest = 0
        var biggestKey: [UInt8]?
        var biggestNode = ""
    }

    let memory: Bool
    private(set) var sampled = 0
    private var keyBytes = 0
    private var types: [TypeStats]

    init(memory: Bool) {
        self.memory = memory
        let known: [(String, String, String)] = [
            ("string", "STRLEN", "bytes"), ("list", "LLEN", "items"), ("set", "SCARD", "members"),
            ("hash", "HLEN", "fields"), ("zset", "ZCARD", "members"), ("stream", "XLEN", "entries"),
        ]
        types = known.map { TypeStats(name: $0.0, sizeCommand: $0.1, unit: memory ? "bytes" : $0.2) }
    }

    mutating func add(_ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
                      output: OutputContext) throws(RcliError) {
        guard !keys.isEmpty else { return }
        let out = output.out
        let typeReplies = try KeySpaceScan.pipeline(conn, keys.map { [Array("TYPE".utf8), $0] })
        var indices: [Int?] = []
        for (key, reply) in zip(keys, typeReplies) {
            switch reply {
            case .simpleString(let t), .bulkString(let t):
                let name = String(decoding: t, as: UTF8.self)
                if name == "none" { indices.append(nil); continue }
                if let i = types.firstIndex(where: { $0.name == name }) {
                    indices.append(i)
                } else {
                    // A module type: counted, no size command (redis-cli's "?" unit).
                    types.append(TypeStats(name: name, sizeCommand: nil, unit: memory ? "bytes" : "?"))
                    indices.append(types.count - 1)
                }
            case .error(let msg):
                throw RcliError.mode("TYPE returned an error: " + String(decoding: msg, as: UTF8.self))
            default:
                throw RcliError.mode("Invalid reply type for TYPE on key " + String(decoding: KeyStatsMode.quoted(key), as: UTF8.self))
            }
        }
        var commands: [[[UInt8]]] = []
        var asked: [Int] = []
        for (k, index) in indices.enumerated() {
            guard let index else { continue }
            if memory {
                var c: [[UInt8]] = [Array("MEMORY".utf8), Array("USAGE".utf8), keys[k]]
                if let n = config.memkeysSamples { c += [Array("SAMPLES".utf8), Array(String(n).utf8)] }
                commands.append(c)
            } else if let command = types[index].sizeCommand {
                commands.append([Array(command.utf8), keys[k]])
            } else {
                continue
            }
            asked.append(k)
        }
        let sizeReplies = try KeySpaceScan.pipeline(conn, commands)
        var sizes = [Int](repeating: 0, count: keys.count)
        for (k, reply) in zip(asked, sizeReplies) {
            if case .integer(let n) = reply {
                sizes[k] = Int(n)
            } else {
                let cmd = memory ? "MEMORY USAGE" : (indices[k].flatMap { types[$0].sizeCommand } ?? "")
                out.flush()
                output.err.write("Warning:  \(cmd) on '\(String(decoding: keys[k], as: UTF8.self))' failed (may have changed type)\n")
                output.err.flush()
            }
        }
        for (k, index) in indices.enumerated() {
            guard let index else { continue }
            let size = sizes[k]
            types[index].count += 1
            types[index].total += size
            keyBytes += keys[k].count
            sampled += 1
            if types[index].biggest < size {
                out.write(System.cFormat("[%05.2f%%] Biggest ", pct) + Self.padRight(types[index].name, 6) + " found so far ")
                out.write(KeyStatsMode.quoted(keys[k]))
                out.write(" with \(size) \(types[index].unit)\n")
                types[index].biggest = size
                types[index].biggestKey = keys[k]
                types[index].biggestNode = node
            }
            if sampled % 1_000_000 == 0 {
                out.write(System.cFormat("[%05.2f%%] Sampled %d keys so far\n", pct, sampled))
            }
        }
    }

    func summary(out: OutputSink) {
        out.write("Sampled \(sampled) keys in the keyspace!\n")
        out.write("Total key length in bytes is \(keyBytes) (avg len "
                  + System.cFormat("%.2f", sampled > 0 ? Double(keyBytes) / Double(sampled) : 0) + ")\n\n")
        for t in types {
            guard let key = t.biggestKey else { continue }
            out.write("Biggest " + Self.padLeft(t.name, 6) + " found ")
            out.write(KeyStatsMode.quoted(key))
            out.write(" has \(t.biggest) \(t.unit)")
            out.write(t.biggestNode.isEmpty ? "\n" : " (on \(t.biggestNode))\n")
        }
        out.write("\n")
        for t in types {
            let share = sampled > 0 ? 100 * Double(t.count) / Double(sampled) : 0
            let average = t.count > 0 ? Double(t.total) / Double(t.count) : 0
            out.write("\(t.count) \(t.name)s with \(t.total) \(t.unit) ("
                      + System.cFormat("%05.2f%% of keys, avg size %.2f", share, average) + ")\n")
        }
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}

/// `--hotkeys`: the 16 keys with the highest OBJECT FREQ, kept as redis-cli's eviction-pool
/// style array (ascending counters).
struct HotKeysReport: KeyReport {
    private static let poolSize = 16
    private(set) var sampled = 0
    private var counters = [Int](repeating: 0, count: poolSize)
    private var hotKeys = [[UInt8]?](repeating: nil, count: poolSize)
    private var nodes = [String](repeating: "", count: poolSize)

    mutating func add(_ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
                      output: OutputContext) throws(RcliError) {
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
                output.err.write("Warning: OBJECT freq on '\(String(decoding: key, as: UTF8.self))' failed (may have been deleted)\n")
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
