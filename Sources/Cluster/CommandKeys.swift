/// Key positions and read-only flags of every command the committed table knows (generated
/// from a real server's `COMMAND INFO`, see scripts/gen-command-table), looked up by name.
package enum CommandKeys {
    private static let table: [String: CommandKeyInfo] = {
        var out: [String: CommandKeyInfo] = [:]
        for (name, flags, specs) in compactTable {
            out[name] = CommandKeyInfo(compact: flags, specs)
        }
        return out
    }()
    /// Commands with subcommands (`object`, `xinfo` ...): only these look up `name|sub`.
    private static let containers: Set<String> = Set(
        table.keys.compactMap { name in
            name.firstIndex(of: "|").map { String(name[..<$0]) }
        })

    /// The entry for `args` (`container|sub` first for commands with subcommands), nil for
    /// keyless or unknown commands.
    package static func info(for args: [[UInt8]]) -> CommandKeyInfo? {
        guard let first = args.first else { return nil }
        let name = lowercased(first)
        if args.count > 1, containers.contains(name), let sub = table[name + "|" + lowercased(args[1])] { return sub }
        return table[name]
    }

    /// The keys of `args`, in argument order.
    package static func keys(_ args: [[UInt8]]) -> [[UInt8]] {
        guard let info = info(for: args) else { return [] }
        return keys(args, info: info)
    }

    /// The keys of `args` whose entry (`info(for: args)`) is already known.
    package static func keys(_ args: [[UInt8]], info: CommandKeyInfo) -> [[UInt8]] {
        let indices = info.keyIndices(args)
        // MIGRATE ... "" ... KEYS k1 k2: the empty key argument is a placeholder, not a key.
        if indices.count > 1, indices[0] == 3, args[3].isEmpty, lowercased(args[0]) == "migrate" {
            return indices.dropFirst().map { args[$0] }
        }
        return indices.map { args[$0] }
    }

    /// ASCII-lowercased text of a command word (the one lowercasing of command names; the
    /// shell's `CommandTraits.lower` is this).
    package static func lowercased(_ word: [UInt8]) -> String {
        // Written into the string's own storage: a command name (15 bytes or fewer) is then
        // made with no allocation at all.
        String(unsafeUninitializedCapacity: word.count) { buffer in
            for (i, byte) in word.enumerated() { buffer[i] = lowercased(byte) }
            return word.count
        }
    }

    /// One ASCII byte lowercased.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }
}
