import RESP
import RedisNet

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

    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
        output: OutputContext
    ) throws(RcliError) {
        guard !keys.isEmpty else { return }
        let out = output.out
        let typeReplies = try KeySpaceScan.pipeline(conn, keys.map { [Array("TYPE".utf8), $0] })
        var indices: [Int?] = []
        for (key, reply) in zip(keys, typeReplies) {
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
                out.write(
                    System.cFormat("[%05.2f%%] Biggest ", pct) + Self.padRight(types[index].name, 6) + " found so far ")
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
        out.write(
            "Total key length in bytes is \(keyBytes) (avg len "
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
            out.write(
                "\(t.count) \(t.name)s with \(t.total) \(t.unit) ("
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
