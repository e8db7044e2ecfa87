/// The shell's hint for a partly typed line, computed like redis-cli 7.2 (`getHintForInput`,
/// `makeHint`): the words after the command name are matched against the command's argument specs
/// (required arguments in order, a run of optional ones in any order, tokens, oneof, blocks,
/// repetition, integer/double checks) and the hint shows only what is still to type.
/// Pure: no I/O; the same function serves the REPL and `--test_hint`.
package struct ArgumentHinter: Sendable {
    /// One command or subcommand the hinter knows.
    package struct Entry: Sendable {
        /// The command's words, e.g. `["CONFIG", "GET"]`.
        package var words: [String]
        /// Argument specs; nil when the docs have none (then `params` is shown).
        package var arguments: [ArgumentSpec]?
        /// The static syntax shown when there are no specs.
        package var params: String

        /// An entry for `name` (`config|get` for a subcommand).
        package init(name: String, arguments: [ArgumentSpec]?, params: String = "") {
            words = name.split(separator: "|").map { $0.uppercased() }
            self.arguments = arguments
            self.params = params
        }
    }

    private let entries: [Entry]

    /// A hinter over `entries` (sorted by name, as redis-cli sorts its table).
    package init(_ entries: [Entry]) {
        self.entries = entries.sorted { $0.words.joined(separator: " ") < $1.words.joined(separator: " ") }
    }

    /// The raw hint for `line` (no leading space, trailing spaces kept): "" when nothing is left or
    /// the typed words do not fit the specs, nil when no command matches or the quoting is unbalanced.
    package func hint(for line: String) -> String? {
        guard let split = CommandLineSplitter.split(Array(line.utf8)) else { return nil }
        let words = split.map { String(decoding: $0, as: UTF8.self) }
        let endsWithSpace = line.utf8.last.map { CommandLineSplitter.isSpace($0) } ?? false
        let count = endsWithSpace ? words.count : words.count - 1
        guard count >= 0, let entry = entry(for: words.prefix(count)) else { return nil }
        let typed = Array(words.prefix(count).dropFirst(entry.words.count))
        guard let specs = entry.arguments else { return typed.isEmpty ? entry.params : "" }
        var nodes = specs.map(MatchNode.init)
        guard MatchNode.matchArgs(typed[...], &nodes) == typed.count else { return "" }
        var hint = ""
        MatchNode.hintForArguments(&hint, &nodes, separator: " ")
        return hint
    }

    /// The entry whose words match the most leading words (case-insensitively).
    private func entry(for words: ArraySlice<String>) -> Entry? {
        var best: Entry?
        for entry in entries where entry.words.count <= words.count && entry.words.count > (best?.words.count ?? 0) {
            if zip(entry.words, words).allSatisfy({ $0.0.uppercased() == $0.1.uppercased() }) { best = entry }
        }
        return best
    }
}
