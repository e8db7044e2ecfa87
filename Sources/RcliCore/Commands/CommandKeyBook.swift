import Cluster
import RESP

/// Where a command's keys are, for one session: the committed table first, then what the
/// server said of commands the table lacks (`COMMAND INFO <name>`, asked once per name and kept).
/// A server newer than the table (HSETEX on Redis 8, DELIFEQ on Valkey 9 ...) is routed by its
/// own key specifications, so the first send goes to the right node.
final class CommandKeyBook {
    /// Every command name the committed table knows (top level), keyless ones included (the
    /// key table is generated from the same servers).
    private static let known: Set<String> = Set(
        CommandTable.entries.map { entry in String(entry.0.prefix { $0 != "|" }).lowercased() })

    /// What the server said, by name (`container|sub` for subcommands); nil info: keyless.
    private var learnt: [String: CommandKeyInfo?] = [:]
    /// Names asked about (answered or not): never asked twice.
    private var asked: Set<String> = []

    /// The key positions of `args`: the table's entry, else the server's; nil for a keyless or
    /// unknown command.
    func info(for args: [[UInt8]]) -> CommandKeyInfo? {
        if let info = CommandKeys.info(for: args) { return info }
        guard !learnt.isEmpty, let first = args.first else { return nil }
        let name = CommandKeys.lowercased(first)
        if args.count > 1, let sub = learnt[name + "|" + CommandKeys.lowercased(args[1])] { return sub }
        return learnt[name] ?? nil
    }

    /// The name to ask the server about before `args` is sent: a command neither the table nor
    /// an earlier answer knows, not asked about yet. Nil when there is nothing to learn.
    func nameToLearn(_ args: [[UInt8]]) -> String? {
        guard let first = args.first, !first.isEmpty, first.count <= 64 else { return nil }
        let name = CommandKeys.lowercased(first)
        guard !Self.known.contains(name), !asked.contains(name), learnt[name] == nil else { return nil }
        return name
    }

    /// The request that asks about `name` (`COMMAND INFO <name>`); it is marked as asked.
    func request(for name: String) -> [[UInt8]] {
        asked.insert(name)
        return [Array("COMMAND".utf8), Array("INFO".utf8), Array(name.utf8)]
    }

    /// The server's answer to `request(for:)` (nil: no answer); an error, a nil entry (no such
    /// command) or a malformed one leaves the command keyless, and MOVED still routes it.
    func learn(_ name: String, reply: RESPValue?) {
        var entries: [RESPValue] = []
        if case .some(.array(let items)) = reply { entries = items }
        for entry in entries {
            for command in CommandInfoReply.commands(entry) { learnt[command.name] = .some(command.info) }
        }
        if learnt[name] == nil { learnt[name] = .some(nil) }
    }
}
