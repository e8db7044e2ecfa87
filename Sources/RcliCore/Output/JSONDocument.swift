import RESP

/// A JSON value built by rcli itself (the cluster manager's reports), rendered compactly on one
/// line. Strings are escaped as `--json` escapes them, or ASCII-only for `--quoted-json`.
indirect enum JSONDocument {
    case string(String)
    case int(Int)
    /// A number already written out (`0.25`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONDocument])
    /// Members in the order given.
    case object([(String, JSONDocument)])

    /// The text, with a newline at the end.
    func rendered(quoted: Bool) -> String {
        var out: [UInt8] = []
        render(into: &out, quoted: quoted)
        out.append(10)
        return String(decoding: out, as: UTF8.self)
    }

    private func render(into out: inout [UInt8], quoted: Bool) {
        switch self {
        case .string(let s):
            Self.appendString(s, to: &out, quoted: quoted)
        case .int(let n):
            out.append(contentsOf: Array(String(n).utf8))
        case .number(let text):
            out.append(contentsOf: Array(text.utf8))
        case .bool(let b):
            out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .null:
            out.append(contentsOf: Array("null".utf8))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.render(into: &out, quoted: quoted)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(key, to: &out, quoted: quoted)
                out.append(UInt8(ascii: ":"))
                value.render(into: &out, quoted: quoted)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ s: String, to out: inout [UInt8], quoted: Bool) {
        if quoted {
            Escaping.appendQuotedJSONString(Array(s.utf8), to: &out)
        } else {
            Escaping.appendJSONString(Array(s.utf8), to: &out)
        }
    }
}
