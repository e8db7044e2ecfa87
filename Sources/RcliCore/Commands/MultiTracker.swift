/// The commands that open, end or pin a transaction: one word list for every place that follows
/// MULTI (the shell's `(TX)` prompt, cluster pinning, pub/sub's EXEC marking).
package enum TransactionWord: Sendable, Equatable {
    case multi, exec, discard, reset, watch, unwatch

    /// The word for a lowercased command name with `argc` words (the name included), nil for any
    /// other command. MULTI, EXEC, DISCARD and RESET count only alone, as redis-cli counts them
    /// (`multi x` is an error the server answers, not a transaction).
    package init?(_ name: String, argc: Int = 1) {
        switch name {
        case "multi": self = .multi
        case "exec": self = .exec
        case "discard": self = .discard
        case "reset": self = .reset
        case "watch": self = .watch
        case "unwatch": self = .unwatch
        default: return nil
        }
        if argc != 1 && self != .watch && self != .unwatch { return nil }
    }

    /// EXEC, DISCARD and RESET end a MULTI (RESET runs at once inside one and discards it).
    package var endsMulti: Bool { self == .exec || self == .discard || self == .reset }
}

/// Whether a connection is inside MULTI, followed command by command.
package struct MultiTracker: Sendable, Equatable {
    /// Inside MULTI.
    package private(set) var inMulti = false

    package init() {}

    /// Follows the command `name` (lowercased) with `argc` words; its transaction word, if any.
    @discardableResult
    package mutating func follow(_ name: String, argc: Int = 1) -> TransactionWord? {
        let word = TransactionWord(name, argc: argc)
        if word == .multi { inMulti = true }
        if word?.endsMulti == true { inMulti = false }
        return word
    }

    /// The connection was lost or replaced: the server dropped the transaction.
    package mutating func abandon() { inMulti = false }
}
