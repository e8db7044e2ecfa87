/// A complete RESP2/RESP3 value. Payloads are bytes; convert to text only for display.
///
/// Maps are stored flattened (`key, value, key, value, ...`) like hiredis does, which keeps the
/// type `Hashable` and lets formatters walk maps and arrays the same way.
public enum RESPValue: Sendable, Hashable {
    /// `+...` status reply.
    case simpleString([UInt8])
    /// `-...` or `!...` error reply.
    case error([UInt8])
    /// `:...` integer.
    case integer(Int64)
    /// `$...` bulk string.
    case bulkString([UInt8])
    /// `_`, `$-1` or `*-1`.
    case null
    /// `,...` double, kept as the text the server sent (redis-cli prints it verbatim).
    case double([UInt8])
    /// `#t` / `#f`.
    case boolean(Bool)
    /// `(...` big number, kept as its decimal text.
    case bigNumber([UInt8])
    /// `=...` verbatim string: a three-byte format (`txt`, `mkd`) and the text.
    case verbatim(format: [UInt8], text: [UInt8])
    /// `*...` array.
    case array([RESPValue])
    /// `~...` set.
    case set([RESPValue])
    /// `>...` out-of-band push message.
    case push([RESPValue])
    /// `%...` map, flattened as key, value, key, value.
    case map([RESPValue])

    /// True for `.error`.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// The bytes of a string-like value (simple, bulk, verbatim text, error), else nil.
    public var stringBytes: [UInt8]? {
        switch self {
        case .simpleString(let b), .bulkString(let b), .error(let b): return b
        case .verbatim(_, let t): return t
        default: return nil
        }
    }

    /// The value as replayed parser events, so one formatter serves streamed and whole replies.
    public func forEachEvent(_ body: (RESPEvent) throws -> Void) rethrows {
        switch self {
        case .array(let items): try Self.replay(.array, items, items.count, body)
        case .set(let items): try Self.replay(.set, items, items.count, body)
        case .push(let items): try Self.replay(.push, items, items.count, body)
        case .map(let items): try Self.replay(.map, items, items.count / 2, body)
        default: try body(.scalar(self))
        }
    }

    private static func replay(
        _ kind: RESPAggregateKind, _ items: [RESPValue], _ count: Int,
        _ body: (RESPEvent) throws -> Void
    ) rethrows {
        try body(.begin(kind, count: count))
        for item in items { try item.forEachEvent(body) }
        try body(.end(kind))
    }
}

/// The kinds of aggregate a RESP reply can hold.
public enum RESPAggregateKind: Sendable, Hashable {
    case array, set, map, push
}

/// One step of a parsed reply: aggregates are bracketed by `begin`/`end`, everything else is a
/// `scalar`. For a map, `count` is the number of pairs and `2 * count` values follow.
public enum RESPEvent: Sendable, Hashable {
    case scalar(RESPValue)
    case begin(RESPAggregateKind, count: Int)
    case end(RESPAggregateKind)
}

extension RESPValue {
    /// A string-like value's bytes as text (invalid UTF-8 repaired), nil for other kinds.
    public var text: String? {
        stringBytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// A map (RESP3) or flat key/value array (RESP2, as COMMAND DOCS and CLUSTER SHARDS send
    /// it) as a dictionary from string keys; empty for anything else.
    public var fields: [String: RESPValue] {
        let items: [RESPValue]
        switch self {
        case .map(let m), .array(let m): items = m
        default: return [:]
        }
        var out: [String: RESPValue] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].stringBytes { out[String(decoding: k, as: UTF8.self)] = items[i + 1] }
            i += 2
        }
        return out
    }
}
