/// Why a byte stream is not valid RESP (or exceeds the parser's limits).
public enum RESPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownType(UInt8)
    case invalidLength(String)
    case bulkTooLarge(Int64, limit: Int)
    case aggregateTooLarge(Int64, limit: Int)
    case tooDeep(limit: Int)
    case invalidInteger(String)
    case invalidDouble(String)
    case invalidBoolean(String)
    case invalidBigNumber(String)
    case invalidVerbatim
    case missingCRLF
    case lineTooLong(limit: Int)
    /// A reply arrived when no command was waiting for one.
    case unexpectedReply

    public var description: String {
        switch self {
        case .unknownType(let b):
            let shown = (0x21...0x7e).contains(b) ? "\"\(Character(Unicode.Scalar(b)))\"" : "byte 0x" + hex(b)
            return "Protocol error, got \(shown) as reply type byte"
        case .invalidLength(let s): return "Protocol error, invalid length '\(s)'"
        case .bulkTooLarge(let n, let limit):
            return "Protocol error, bulk length \(n) exceeds the limit of \(limit) bytes"
        case .aggregateTooLarge(let n, let limit):
            return "Protocol error, aggregate of \(n) elements exceeds the limit of \(limit)"
        case .tooDeep(let limit): return "Protocol error, reply nested deeper than \(limit) levels"
        case .invalidInteger(let s): return "Protocol error, invalid integer '\(s)'"
        case .invalidDouble(let s): return "Protocol error, invalid double '\(s)'"
        case .invalidBoolean(let s): return "Protocol error, invalid boolean '\(s)'"
        case .invalidBigNumber(let s): return "Protocol error, invalid big number '\(s)'"
        case .invalidVerbatim: return "Protocol error, invalid verbatim string"
        case .missingCRLF: return "Protocol error, missing CRLF after bulk data"
        case .lineTooLong(let limit): return "Protocol error, line longer than \(limit) bytes"
        case .unexpectedReply: return "Protocol error, the server sent a reply nobody asked for"
        }
    }
}

/// Two lowercase hex digits.
func hex(_ b: UInt8) -> String {
    let digits: [Character] = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xf)]])
}

/// Shows a header field from the wire safely (printable ASCII only, bounded).
func sanitized(_ bytes: ArraySlice<UInt8>) -> String {
    var s = ""
    for b in bytes.prefix(40) {
        if (0x20...0x7e).contains(b) { s.append(Character(Unicode.Scalar(b))) } else { s += "\\x" + hex(b) }
    }
    if bytes.count > 40 { s += "..." }
    return s
}
