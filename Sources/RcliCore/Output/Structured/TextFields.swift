import RESP

/// The pieces the server's text listings (INFO, CLUSTER NODES, CLIENT LIST) are made of, read
/// into JSON-shaped `RESPValue`s: integers and decimals as numbers, the rest as strings.
enum TextFields {
    /// The non-empty lines of `text` (`\r\n` or `\n` endings).
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        text.split(separator: 10).compactMap { line in
            let trimmed = line.last == 13 ? line.dropLast() : line
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// `value` as a number when it is a JSON integer that fits 64 bits (`.integer`) or a JSON
    /// number with a fraction or exponent (`.double`, its text kept); otherwise a string.
    /// `007`, `1.`, `nan` and `100%` stay strings.
    static func typed(_ value: ArraySlice<UInt8>) -> RESPValue {
        switch numberKind(value) {
        case .integer:
            if let n = Int64(String(decoding: value, as: UTF8.self)) { return .integer(n) }
            return .bulkString(Array(value))
        case .decimal:
            return .double(Array(value))
        case nil:
            return .bulkString(Array(value))
        }
    }

    private enum NumberKind { case integer, decimal }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private static func numberKind(_ s: ArraySlice<UInt8>) -> NumberKind? {
        var i = s.startIndex
        if i < s.endIndex, s[i] == UInt8(ascii: "-") { i += 1 }
        guard i < s.endIndex, isDigit(s[i]) else { return nil }
        if s[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < s.endIndex, isDigit(s[i]) { i += 1 }
        }
        var kind = NumberKind.integer
        if i < s.endIndex, s[i] == UInt8(ascii: ".") {
            i += 1
            guard skipDigits(s, &i) else { return nil }
            kind = .decimal
        }
        if i < s.endIndex, s[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < s.endIndex, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            guard skipDigits(s, &i) else { return nil }
            kind = .decimal
        }
        return i == s.endIndex ? kind : nil
    }

    /// Skips one or more digits; false when there is none.
    private static func skipDigits(_ s: ArraySlice<UInt8>, _ i: inout Int) -> Bool {
        let start = i
        while i < s.endIndex, isDigit(s[i]) { i += 1 }
        return i > start
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// `key=value` pieces separated by `separator` (`keys=1,expires=0`), or nil when a piece
    /// has no `=` or a key with characters other than letters, digits, `_`, `.` and `-`.
    static func pairs(
        _ text: ArraySlice<UInt8>, separator: UInt8
    ) -> [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]? {
        var out: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
        for piece in text.split(separator: separator) {
            guard let eq = piece.firstIndex(of: UInt8(ascii: "=")), eq > piece.startIndex,
                piece[..<eq].allSatisfy(isKeyByte)
            else { return nil }
            out.append((piece[..<eq], piece[(eq + 1)...]))
        }
        return out.isEmpty ? nil : out
    }

    private static func isKeyByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }
}
