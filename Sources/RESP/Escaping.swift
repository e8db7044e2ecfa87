/// Byte-level escaping rules shared by the formatters (redis-cli's sdscatrepr and JSON rules).
///
/// These run once per printed element (a million times for a big LRANGE), so each rule is
/// written once over a contiguous buffer: runs of bytes that need no escaping are copied in one
/// append, and only the bytes that do are handled one by one. The `[UInt8]` and `ArraySlice`
/// overloads are concrete, so callers in other modules never go through an unspecialised
/// generic (a witness-table call per byte).
package enum Escaping {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    // MARK: repr (sdscatrepr)

    /// Appends `bytes` quoted the way redis-cli's `sdscatrepr` does: `"..."` with `\\ \" \n \r
    /// \t \a \b` and `\xNN` for every other byte that is not printable ASCII.
    package static func appendRepr(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendRepr(buffer: $0, to: &out) }
    }

    /// `appendRepr` for a slice.
    package static func appendRepr(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendRepr(buffer: $0, to: &out) }
    }

    /// `appendRepr` over a buffer.
    package static func appendRepr(buffer bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendRuns(
            bytes, to: &out,
            plain: { b, _ in b >= 0x20 && b <= 0x7e && b != UInt8(ascii: "\\") && b != UInt8(ascii: "\"") },
            escape: { b, out in
                switch b {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): appendPair(UInt8(ascii: "\\"), b, to: &out)
                case 10: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "n"), to: &out)
                case 13: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "r"), to: &out)
                case 9: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "t"), to: &out)
                case 7: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "a"), to: &out)
                case 8: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "b"), to: &out)
                default: appendHexEscape(b, to: &out)
                }
            })
        out.append(UInt8(ascii: "\""))
    }

    /// The one escaping loop: runs of bytes that `plain` lets through are copied in one append
    /// each, every other byte goes through `escape`. (`plain` also gets the byte's index, for
    /// rules that look ahead.) Inlined, so the closures cost nothing per byte.
    @inline(__always)
    private static func appendRuns(
        _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], plain: (UInt8, Int) -> Bool,
        escape: (UInt8, inout [UInt8]) -> Void
    ) {
        var runStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if plain(b, i) {
                i += 1
                continue
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            escape(b, &out)
            i += 1
            runStart = i
        }
        if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    private static func appendPair(_ a: UInt8, _ b: UInt8, to out: inout [UInt8]) {
        out.append(a)
        out.append(b)
    }

    /// Appends `\xNN`.
    package static func appendHexEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xf)])
    }

    // MARK: terminal-safe text

    /// Appends server text meant to be read on a terminal (status lines, errors, verbatim
    /// text): printable bytes and UTF-8 pass through, line breaks and tabs are kept when
    /// `multiline`, and every other control byte (ESC above all) is shown as `\xNN`, so a
    /// value can never drive the terminal.
    package static func appendTerminalSafe(_ bytes: [UInt8], multiline: Bool, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendTerminalSafe(buffer: $0, multiline: multiline, to: &out) }
    }

    /// `appendTerminalSafe` for a slice.
    package static func appendTerminalSafe(_ bytes: ArraySlice<UInt8>, multiline: Bool, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendTerminalSafe(buffer: $0, multiline: multiline, to: &out) }
    }

    /// `appendTerminalSafe` over a buffer.
    package static func appendTerminalSafe(
        buffer bytes: UnsafeBufferPointer<UInt8>, multiline: Bool,
        to out: inout [UInt8]
    ) {
        appendRuns(
            bytes, to: &out,
            plain: { b, i in
                (b >= 0x20 && b != 0x7f)
                    || (multiline && (b == 10 || b == 9 || (b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10)))
            },
            escape: { b, out in appendHexEscape(b, to: &out) })
    }

    // MARK: JSON

    /// Appends `bytes` as a JSON string the way redis-cli's `--json` does: `\" \\ \n \f \r \t
    /// \b` named, other bytes below 0x20 as `\u00NN`, everything else as is.
    package static func appendJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendJSONString(buffer: $0, to: &out) }
    }

    /// `appendJSONString` over a buffer.
    package static func appendJSONString(buffer bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendRuns(
            bytes, to: &out,
            plain: { b, _ in b >= 0x20 && b != UInt8(ascii: "\\") && b != UInt8(ascii: "\"") },
            escape: { b, out in
                switch b {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): appendPair(UInt8(ascii: "\\"), b, to: &out)
                case 10: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "n"), to: &out)
                case 12: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "f"), to: &out)
                case 13: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "r"), to: &out)
                case 9: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "t"), to: &out)
                case 8: appendPair(UInt8(ascii: "\\"), UInt8(ascii: "b"), to: &out)
                default:
                    out.append(contentsOf: unicodeEscapePrefix)
                    out.append(hexDigits[Int(b >> 4)])
                    out.append(hexDigits[Int(b & 0xf)])
                }
            })
        out.append(UInt8(ascii: "\""))
    }

    private static let unicodeEscapePrefix: [UInt8] = Array("\\u00".utf8)

    /// Appends `bytes` as redis-cli's `--quoted-json` does: the repr form, with every
    /// backslash doubled so the result is ASCII-only valid JSON.
    package static func appendQuotedJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        appendRepr(bytes, to: &out)
        guard out[start...].contains(UInt8(ascii: "\\")) else { return }
        let repr = Array(out[start...])
        out.removeSubrange(start...)
        for b in repr {
            if b == UInt8(ascii: "\\") { out.append(b) }
            out.append(b)
        }
    }

    // MARK: numbers

    /// Appends the decimal text of `n`.
    package static func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(n.magnitude, width: 0, to: &out)
    }

    /// Appends `n` right-aligned to `width` with spaces (printf's `%*d`).
    package static func appendPadded(_ n: Int, width: Int, to out: inout [UInt8]) {
        appendDigits(UInt64(n.magnitude), width: width, to: &out)
    }

    /// The decimal digits of `v`, space-padded on the left to `width`, built in a fixed buffer
    /// (no array per number).
    private static func appendDigits(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            let count = 20 - start
            if count < width { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - count)) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }
}
