import RESP
import RedisNet

/// `--bigkeys` (element counts) and `--memkeys` (MEMORY USAGE), as redis-cli 7.4 prints them.
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

    /// The order redis-cli 7.4 lists the types in: its hash table's, which is still growing
    /// (rehashing one bucket per lookup) until two keys have been looked up.
    private static let dictOrder: [[String]] = [
        ["set", "hash", "list", "stream", "string", "zset"],
        ["hash", "list", "stream", "string", "set", "zset"],
        ["list", "hash", "stream", "string", "set", "zset"],
    ]

    let memory: Bool
    private(set) var sampled = 0
    private var keyBytes = 0
    private var types: [TypeStats]
    /// The TYPE replies looked up so far (redis-cli's dictFind per key).
    private var lookups = 0

    init(memory: Bool) {
        self.memory = memory
        let known: [(String, String, String)] = [
            ("string", "STRLEN", "bytes"), ("list", "LLEN", "items"), ("set", "SCARD", "members"),
            ("hash", "HLEN", "fields"), ("zset", "ZCARD", "members"), ("stream", "XLEN", "entries"),
        ]
        types = known.map { TypeStats(name: $0.0, sizeCommand: $0.1, unit: memory ? "bytes" : $0.2) }
    }

    var clearedLines: Int { types.count }

    /// The types in redis-cli 7.4's order (module types after the known ones, as they came).
    private var ordered: [TypeStats] {
        let order = Self.dictOrder[min(lookups, Self.dictOrder.count - 1)]
        return order.compactMap { name in types.first { $0.name == name } }
            + types.filter { !order.contains($0.name) }
    }

    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double, tty: Bool,
        output: OutputContext
    ) throws(RcliError) {
        guard !keys.isEmpty else { return }
        let out = output.out
        let typeReplies = try KeySpaceScan.pipeline(conn, keys.map { [Array("TYPE".utf8), $0] })
        var indices: [Int?] = []
        for (key, reply) in zip(keys, typeReplies) {
            lookups += 1
            guard let name = try KeyStatsMode.typeName(reply, key: key) else {
                indices.append(nil)
                continue
            }
            if let i = types.firstIndex(where: { $0.name == name }) {
                indices.append(i)
            } else {
                // A module type: counted, no size command (redis-cli's "?" unit).
                types.append(TypeStats(name: name, sizeCommand: nil, unit: memory ? "bytes" : "?"))
                indices.append(types.count - 1)
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
                output.err.write(
                    "Warning:  \(cmd) on '\(String(decoding: keys[k], as: UTF8.self))' failed (may have changed type)\n"
                )
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
                if !tty {
                    out.write(
                        System.cFormat("[%05.2f%%] Biggest ", pct) + Self.padRight(types[index].name, 6)
                            + " found so far ")
                    out.write(Self.repr(keys[k]))
                    out.write(" with \(size) \(types[index].unit)\n")
                }
                types[index].biggest = size
                types[index].biggestKey = keys[k]
                types[index].biggestNode = node
            }
            if !tty && sampled % 1_000_000 == 0 {
                out.write(System.cFormat("[%05.2f%%] Sampled %d keys so far\n", pct, sampled))
            }
        }
    }

    func liveLines() -> [[UInt8]] {
        ordered.compactMap { t in
            guard let key = t.biggestKey else { return nil }
            return Array(("Biggest " + Self.padRight(t.name, 9) + " found so far ").utf8) + Self.repr(key)
                + Array(" with \(t.biggest) \(t.unit)".utf8)
        }
    }

    func summary(out: OutputSink) {
        out.write(
            "Total key length in bytes is \(keyBytes) (avg len "
                + System.cFormat("%.2f", sampled > 0 ? Double(keyBytes) / Double(sampled) : 0) + ")\n\n")
        let types = ordered
        for t in types {
            guard let key = t.biggestKey else { continue }
            out.write("Biggest " + Self.padLeft(t.name, 6) + " found ")
            out.write(Self.repr(key))
            out.write(" has \(t.biggest) \(t.unit)")
            out.write(t.biggestNode.isEmpty ? "\n" : " (on \(t.biggestNode))\n")
        }
        out.write("\n")
        for t in types {
            let share = sampled > 0 ? 100 * Double(t.count) / Double(sampled) : 0
            let average = t.count > 0 ? Double(t.total) / Double(t.count) : 0
            out.write(
                "\(t.count) \(t.name)s with \(t.total) \(t.unit) ("
                    + System.cFormat("%05.2f%% of keys, avg size %.2f", share, average) + ")\n")
        }
    }

    /// `"key"`, as redis-cli 7.4 quotes key names in these reports (7.0 wrapped that in '...').
    static func repr(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        Escaping.appendRepr(key, to: &out)
        return out
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
