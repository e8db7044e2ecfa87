import RESP

/// Encodes any RESPValue as RESP3 (the parser's inverse, for round-trip properties).
package enum RESPWire {
    /// The value's bytes on the wire.
    package static func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    private static func line(_ type: Character, _ body: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: Array(String(type).utf8))
        out.append(contentsOf: body)
        out.append(contentsOf: [13, 10])
    }

    private static func blob(_ type: Character, _ body: [UInt8], to out: inout [UInt8]) {
        line(type, Array(String(body.count).utf8), to: &out)
        out.append(contentsOf: body)
        out.append(contentsOf: [13, 10])
    }

    private static func aggregate(_ type: Character, _ count: Int, _ items: [RESPValue], to out: inout [UInt8]) {
        line(type, Array(String(count).utf8), to: &out)
        for item in items { append(item, to: &out) }
    }

    private static func append(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .simpleString(let b): line("+", b, to: &out)
        case .error(let b):
            // A line error cannot hold CR or LF; a blob error can hold anything.
            if b.contains(13) || b.contains(10) { blob("!", b, to: &out) } else { line("-", b, to: &out) }
        case .integer(let n): line(":", Array(String(n).utf8), to: &out)
        case .bulkString(let b): blob("$", b, to: &out)
        case .null: line("_", [], to: &out)
        case .double(let b): line(",", b, to: &out)
        case .boolean(let t): line("#", [t ? UInt8(ascii: "t") : UInt8(ascii: "f")], to: &out)
        case .bigNumber(let b): line("(", b, to: &out)
        case .verbatim(let format, let text): blob("=", format + [UInt8(ascii: ":")] + text, to: &out)
        case .array(let items): aggregate("*", items.count, items, to: &out)
        case .set(let items): aggregate("~", items.count, items, to: &out)
        case .push(let items): aggregate(">", items.count, items, to: &out)
        case .map(let items): aggregate("%", items.count / 2, items, to: &out)
        }
    }
}
