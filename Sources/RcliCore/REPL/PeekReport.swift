import RESP

/// What `peek <key>` prints, one line per fact, then the value in the human format (the tty
/// format), capped at `elementCap` elements or about `byteCap` bytes, with what was left out said
/// in a last line. Pure, so it is tested without a server.
struct PeekReport {
    /// Most elements (fields of a hash, members with their scores of a zset) shown.
    static let elementCap = 100
    /// Most bytes of value text shown (a string's bytes, an aggregate's printed lines).
    static let byteCap = 4096

    /// A fact the server answered, or the error it gave instead.
    enum Fact {
        case text(String)
        case unknown(String)
    }

    var type: String
    var encoding: Fact
    /// PTTL's answer: milliseconds left, -1 for none.
    var ttl: Fact
    var memory: Fact
    /// The length and the unit it counts (`elements`, `fields`, `entries`, `bytes`); nil for a
    /// type whose length is not asked.
    var length: (count: Int64, unit: String)?
    /// The value fetched (capped by the query): a string's bytes, or the elements, with a
    /// hash's and a zset's as flat pairs (`pairs`).
    var value: Value?

    enum Value {
        case bytes([UInt8])
        case elements([RESPValue], pairs: Bool)
        case unavailable(String)
    }

    /// The lines.
    func render() -> String {
        var lines = [
            Self.line("type", type), Self.line("encoding", Self.text(encoding)), Self.line("ttl", Self.text(ttl)),
            Self.line("memory", Self.text(memory)),
        ]
        if let length { lines.append(Self.line("length", Self.counted(length.count, length.unit))) }
        var text = lines.joined()
        switch value {
        case .bytes(let bytes)?:
            text += "value:\n"
            var out: [UInt8] = []
            TTYFormatter().format(.bulkString(bytes), into: &out)
            text += String(decoding: out, as: UTF8.self)
            let rest = (length?.count ?? Int64(bytes.count)) - Int64(bytes.count)
            if rest > 0 { text += "... \(Self.bytes(rest)) more\n" }
        case .elements(let items, let pairs)?:
            let step = pairs ? 2 : 1
            let (shown, printed, cut) = Self.fit(items, pairs: pairs)
            if shown > 0 {
                text += "value:\n" + String(decoding: printed, as: UTF8.self)
                if cut { text += "(elements longer than \(Self.bytes(Int64(Self.byteCap))) are cut)\n" }
            }
            let total = length?.count ?? Int64(items.count / step)
            let rest = total - Int64(shown)
            if rest > 0 { text += "... \(Self.counted(rest, length?.unit ?? "elements", more: true))\n" }
        case .unavailable(let why)?:
            text += "value:    \(why)\n"
        case nil:
            text += "value:    not shown for this type\n"
        }
        return text
    }

    /// How many of `items` fit the caps (at least one), their printed text, and whether a long
    /// string in them was cut.
    static func fit(_ items: [RESPValue], pairs: Bool) -> (shown: Int, text: [UInt8], cut: Bool) {
        let step = pairs ? 2 : 1
        var cut = false
        let trimmed = items.prefix(elementCap * step).map { trim($0, cut: &cut) }
        let available = trimmed.count / step
        guard available > 0 else { return (0, [], false) }
        func printed(_ n: Int) -> [UInt8] {
            let part = Array(trimmed.prefix(n * step))
            var out: [UInt8] = []
            TTYFormatter().format(pairs ? .map(part) : .array(part), into: &out)
            return out
        }
        var best = printed(available)
        if best.count <= byteCap { return (available, best, cut) }
        // The most elements whose text fits (one at least).
        var low = 1
        var high = available - 1
        best = printed(1)
        var shown = 1
        while low <= high {
            let mid = (low + high) / 2
            let text = printed(mid)
            if text.count <= byteCap {
                best = text
                shown = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return (shown, best, cut)
    }

    /// `value` with every string longer than `byteCap` cut to it.
    static func trim(_ value: RESPValue, cut: inout Bool) -> RESPValue {
        switch value {
        case .bulkString(let b) where b.count > byteCap:
            cut = true
            return .bulkString(Array(b.prefix(byteCap)))
        case .simpleString(let b) where b.count > byteCap:
            cut = true
            return .simpleString(Array(b.prefix(byteCap)))
        case .array(let items): return .array(items.map { trim($0, cut: &cut) })
        case .map(let items): return .map(items.map { trim($0, cut: &cut) })
        case .set(let items): return .set(items.map { trim($0, cut: &cut) })
        default: return value
        }
    }

    private static func line(_ label: String, _ value: String) -> String {
        label + ":" + String(repeating: " ", count: max(1, 9 - label.count)) + value + "\n"
    }

    private static func text(_ fact: Fact) -> String {
        switch fact {
        case .text(let t): return t
        case .unknown(let why): return "? (\(why))"
        }
    }

    /// `1,000 elements`, `1 element` (`1 more element` with `more`).
    static func counted(_ n: Int64, _ unit: String, more: Bool = false) -> String {
        var word = unit
        if n == 1 { word = unit == "entries" ? "entry" : String(unit.dropLast()) }
        return grouped(n) + (more ? " more " : " ") + word
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A size: `512 bytes`, `1.5 KB`, `12.3 MB`, `2.0 GB` (1 KB = 1024 bytes).
    static func bytes(_ n: Int64) -> String {
        if n < 1024 { return n == 1 ? "1 byte" : "\(grouped(n)) bytes" }
        let units = ["KB", "MB", "GB", "TB"]
        var unit = 0
        var scale: Int64 = 1024
        while unit < units.count - 1 && n >= scale * 1024 {
            scale *= 1024
            unit += 1
        }
        // One decimal, rounded half up.
        let tenths = (n * 10 + scale / 2) / scale
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// PTTL's milliseconds as a duration: `none` (-1), `750 ms`, `42.5 s`, `1h 2m 3s`, `3d 4h 0m 5s`.
    static func duration(milliseconds ms: Int64) -> String {
        if ms < 0 { return "none" }
        if ms < 1000 { return "\(ms) ms" }
        if ms < 60_000 { return "\(ms / 1000).\(ms % 1000 / 100) s" }
        let total = ms / 1000
        let days = total / 86_400
        let hours = total % 86_400 / 3600
        let minutes = total % 3600 / 60
        let seconds = total % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if days > 0 || hours > 0 { parts.append("\(hours)h") }
        parts.append("\(minutes)m")
        parts.append("\(seconds)s")
        return parts.joined(separator: " ")
    }
}
