/// Byte-level escaping rules shared by the formatters (redis-cli's sdscatrepr and JSON rules).
package enum Escaping {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` quoted the way redis-cli's `sdscatrepr` does: `"..."` with `\\ \" \n \r
    /// \t \a \b` and `\xNN` for every other byte that is not printable ASCII.
    package static func appendRepr<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case 10: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 13: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 9: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 7: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "a"))
            case 8: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x20...0x7e: out.append(b)
            default: appendHexEscape(b, to: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `\xNN`.
    package static func appendHexEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xf)])
    }

    /// Appends server text meant to be read on a terminal (status lines, errors, verbatim
    /// text): printable bytes and UTF-8 pass through, line breaks and tabs are kept when
    /// `multiline`, and every other control byte (ESC above all) is shown as `\xNN`, so a
    /// value can never drive the terminal.
    package static func appendTerminalSafe<C: Collection>(_ bytes: C, multiline: Bool, to out: inout [UInt8]) where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        var lookahead = iterator.next()
        while let b = lookahead {
            lookahead = iterator.next()
            if b >= 0x20 && b != 0x7f {
                out.append(b)
            } else if multiline && (b == 10 || b == 9 || (b == 13 && lookahead == 10)) {
                out.append(b)
            } else {
                appendHexEscape(b, to: &out)
            }
        }
    }

    /// Appends `bytes` as a JSON string the way redis-cli's `--json` does: `\" \\ \n \f \r \t
    /// \b` named, other bytes below 0x20 as `\u00NN`, everything else as is.
    package static func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case 10: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 12: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 13: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 9: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 8: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xf)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` as redis-cli's `--quoted-json` does: the repr form, with every
    /// backslash doubled so the result is ASCII-only valid JSON.
    package static func appendQuotedJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        var repr: [UInt8] = []
        appendRepr(bytes, to: &repr)
        for b in repr {
            if b == UInt8(ascii: "\\") { out.append(b) }
            out.append(b)
        }
    }

    /// Appends the decimal text of `n`.
    package static func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        if n == Int64.min { out.append(contentsOf: Array("-9223372036854775808".utf8)); return }
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var v = n.magnitude
        var tmp: [UInt8] = []
        repeat { tmp.append(UInt8(ascii: "0") + UInt8(v % 10)); v /= 10 } while v > 0
        out.append(contentsOf: tmp.reversed())
    }

    /// Appends `n` right-aligned to `width` with spaces (printf's `%*d`).
    package static func appendPadded(_ n: Int, width: Int, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var v = n
        repeat { digits.append(UInt8(ascii: "0") + UInt8(v % 10)); v /= 10 } while v > 0
        if digits.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - digits.count)) }
        out.append(contentsOf: digits.reversed())
    }
}
