import Cluster

/// The shell's Tab: command names, `help` topics, subcommands, and key names at key positions
/// (from the idle scan's names, else a bounded scan of the server).
extension ReplMode {
    /// Completion candidates for the word before the cursor; case follows what was typed.
    func completions(_ before: String) -> [String] {
        let words = before.split(separator: " ", omittingEmptySubsequences: true)
        let endsWithSpace = before.last == " "
        let current = endsWithSpace ? "" : String(words.last ?? "")
        let position = endsWithSpace ? words.count : max(0, words.count - 1)
        var pool: [String]
        if position == 0 {
            pool = names() + ["help", "quit", "exit", "connect", "clear", "peek"]
        } else if position == 1, words.first?.lowercased() == "help" {
            pool = names() + HelpCommand.groups.map { "@" + $0 }
        } else if position == 1, let first = words.first?.lowercased(), !subcommands(first).isEmpty {
            pool = subcommands(first)
        } else {
            return keyNames(words.map(String.init), current: current, position: position)
        }
        let lower = current.lowercased()
        let upper = current.first?.isUppercase ?? false
        return pool.filter { $0.lowercased().hasPrefix(lower) }
            .map { upper ? $0.uppercased() : $0.lowercased() }
            .sorted()
    }

    func names() -> [String] {
        help.commandNames()
    }

    /// Key names from the server when the word being typed is a key (by the command's key
    /// specs); nothing is sent for other positions, inside MULTI, while subscribed, or while
    /// disconnected.
    func keyNames(_ words: [String], current: String, position: Int) -> [String] {
        guard !inTransaction, !transport.subscribed, transport.location != nil else { return [] }
        var args = words.map { Array($0.utf8) }
        if position == args.count { args.append(Array("k".utf8)) }
        guard let info = CommandKeys.info(for: args), info.keyIndices(args).contains(position) else { return [] }
        return idleScan.complete(prefix: current) {
            keyNames.keys(prefix: current, servers: transport.servers(replicas: false).map(\.session))
        }
    }

    func subcommands(_ container: String) -> [String] {
        names().compactMap { name in
            let parts = name.split(separator: "|")
            return parts.count == 2 && parts[0] == container ? String(parts[1]) : nil
        }
    }
}
