/// A command's arity and flags as COMMAND INFO gives them: what the committed table keeps of the
/// commands `CommandTraits` derives facts from (the `blocking` and `pubsub` ones).
struct CommandFlags: Sendable, Equatable {
    /// The flags that put a command in the table (`CommandTable.flagged`).
    static let kept: Set<String> = ["blocking", "pubsub"]

    /// COMMAND INFO's arity: exactly n words (the name included), or at least -n when negative.
    var arity: Int
    /// The flags (`blocking`, `pubsub`, `noscript`, `write` ...).
    var flags: Set<String>

    /// True when the table keeps the command (it has one of the `kept` flags).
    var isKept: Bool { !flags.isDisjoint(with: Self.kept) }

    /// The flags in the table's form: sorted, space-separated.
    var compact: String { flags.sorted().joined(separator: " ") }
}
