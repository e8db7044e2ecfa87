import RESP

/// `--keystats`' figures and their text: the biggest keys, the top per type, the key size
/// percentiles, key name lengths and a table per type (redis-cli 7.4's formats).
struct KeyDistributionReport {
    struct TypeFigures {
        var name: String
        /// STRLEN, LLEN ...; nil for a module type.
        var lengthCommand: String?
        var unit: String
        var keys = 0
        var memory = 0
        var length = 0
        var biggestMemory: (size: Int, key: [UInt8])?
        var biggestLength: (size: Int, key: [UInt8])?
    }

    /// redis-cli's key name length buckets.
    static let nameBuckets: [Int] = [32, 256, 64 << 10, 1 << 20, 16 << 20, 128 << 20, 512 << 20, Int.max]

    let topWanted: Int
    var sampled = 0
    var memory = 0
    var sizes = SizeHistogram()
    var nameBytes = 0
    var longestName = 0
    var names = [Int](repeating: 0, count: nameBuckets.count)
    /// Biggest first: (size, type index, repr-quoted key).
    var top: [(size: Int, type: Int, key: [UInt8])] = []
    var types: [TypeFigures] = [
        ("list", "LLEN", "items"), ("hash", "HLEN", "fields"), ("stream", "XLEN", "entries"),
        ("string", "STRLEN", "bytes"), ("set", "SCARD", "members"), ("zset", "ZCARD", "members"),
    ].map { TypeFigures(name: $0.0, lengthCommand: $0.1, unit: $0.2) }

    init(top: Int) { topWanted = top }

    /// The index of type `name`, added (as a module type) when new.
    mutating func typeIndex(_ name: String) -> Int {
        if let i = types.firstIndex(where: { $0.name == name }) { return i }
        types.append(TypeFigures(name: name, lengthCommand: nil, unit: ""))
        return types.count - 1
    }

    mutating func add(key: [UInt8], type t: Int, memory size: Int, length: Int) {
        sampled += 1
        memory += size
        sizes.record(UInt64(max(size, 0)))
        nameBytes += key.count
        longestName = max(longestName, key.count)
        names[Self.nameBuckets.firstIndex(where: { key.count <= $0 }) ?? names.count - 1] += 1
        types[t].keys += 1
        types[t].memory += size
        types[t].length += length
        if (types[t].biggestMemory?.size ?? 0) < size { types[t].biggestMemory = (size, key) }
        if (types[t].biggestLength?.size ?? 0) < length { types[t].biggestLength = (length, key) }
        let at = top.firstIndex(where: { $0.size < size }) ?? top.count
        if at < topWanted {
            var quoted: [UInt8] = []
            Escaping.appendRepr(key, to: &quoted)
            top.insert((size, t, quoted), at: at)
            if top.count > topWanted { top.removeLast() }
        }
    }

    private static func human(_ n: Int) -> String { StatMode.humanBytes(n) }
    private static func left(_ s: String, _ w: Int) -> String { BigKeysReport.padRight(s, w) }
    private static func right(_ s: String, _ w: Int) -> String { BigKeysReport.padLeft(s, w) }

    /// The report after the progress line, one entry per line.
    func lines() -> [[UInt8]] {
        var out: [[UInt8]] = []
        func line(_ s: String) { out.append(Array(s.utf8)) }
        line("Keys sampled: \(sampled)")
        line("Keys size:    " + Self.human(memory))
        line("")
        line("--- Top \(topWanted) key sizes ---")
        for (i, row) in top.enumerated() {
            out.append(
                Array(
                    (System.cFormat("%3d ", i + 1) + Self.right(Self.human(row.size), 8) + " "
                        + Self.left(types[row.type].name, 10) + " ").utf8) + row.key)
        }
        let present = types.filter { $0.keys > 0 }
        line("")
        line("--- Top size per type ---")
        for t in present {
            guard let b = t.biggestMemory else { continue }
            out.append(Array((Self.left(t.name, 10) + " ").utf8) + b.key + Array((" is " + Self.human(b.size)).utf8))
        }
        line("")
        line("--- Top length and cardinality per type ---")
        for t in present where t.lengthCommand != nil {
            guard let b = t.biggestLength else { continue }
            let amount = t.name == "string" ? Self.human(b.size) : "\(b.size) \(t.unit)"
            out.append(Array((Self.left(t.name, 10) + " ").utf8) + b.key + Array((" has " + amount).utf8))
        }
        line("")
        let rows = sizes.rows()
        if rows.isEmpty {
            line("No key size samples collected")
        } else {
            line("Key size Percentile Total keys")
            line("-------- ---------- -----------")
            for r in rows {
                line(
                    Self.right(Self.human(Int(r.value)), 8)
                        + System.cFormat(" %9.4f%% %11lld", r.percentile, Int64(r.cumulative)))
            }
            let (mean, deviation) = sizes.meanAndDeviation()
            let note = "Note: 0.01% size precision, Mean: " + Self.human(Int(mean))
            line(note + ", StdDeviation: " + Self.human(Int(deviation)))
        }
        line("")
        line("Key name length Percentile Total keys")
        line("--------------- ---------- -----------")
        var cumulative = 0
        for (bound, n) in zip(Self.nameBuckets, names) where n > 0 {
            cumulative += n
            let label = bound == Int.max ? "inf" : Self.human(min(bound, longestName))
            line(
                Self.right(label, 15)
                    + System.cFormat(" %9.4f%% %11lld", 100 * Double(cumulative) / Double(sampled), Int64(cumulative)))
        }
        line("Total key length is \(Self.human(nameBytes)) (\(Self.human(sampled > 0 ? nameBytes / sampled : 0)) avg)")
        line("")
        line("Type        Total keys  Keys % Tot size Avg size  Total length/card Avg ln/card")
        line("--------- ------------ ------- -------- -------- ------------------ -----------")
        for t in present {
            let share = 100 * Double(t.keys) / Double(max(sampled, 1))
            let (length, avg): (String, String)
            if t.lengthCommand == nil {
                (length, avg) = ("- ", "- ")
            } else if t.name == "string" {
                // redis-cli 7.4 rounds this average (and truncates the others).
                (length, avg) = (Self.human(t.length), Self.human(Int((Double(t.length) / Double(t.keys)).rounded())))
            } else {
                (length, avg) = ("\(t.length) \(t.unit)", System.cFormat("%.2f", Double(t.length) / Double(t.keys)))
            }
            line(
                Self.left(t.name, 10) + System.cFormat(" %11llu %6.2f%% ", UInt64(t.keys), share)
                    + Self.right(Self.human(t.memory), 8) + " " + Self.right(Self.human(t.memory / t.keys), 8) + " "
                    + Self.right(length, 18) + " " + Self.right(avg, 11))
        }
        return out
    }
}
