/// The committed command table, merged from the newest Redis and Valkey servers' COMMAND DOCS
/// (`CommandTableMerge`), for help, hints and completion when a server does not answer COMMAND
/// DOCS. The entries live in CommandTable+*.generated.swift, written by scripts/gen-command-table
/// (`rcli --generate commands`, CommandTable+Generate.swift).
package enum CommandTable {
    /// One command (`container|sub` for a subcommand): group, `since` in Redis and in Valkey
    /// (nil where that server lacks it), summary and syntax (Redis's when both have it).
    package typealias Entry = (
        name: String, group: String, redis: String?, valkey: String?, summary: String, syntax: String
    )

    /// Every entry, in name order.
    package static var entries: [Entry] { entriesAtoL + entriesMtoZ }

    /// The table as `CommandEntry` values, with their argument specs and Valkey's own docs.
    static let all: [CommandEntry] = {
        var arguments: [String: [ArgumentSpec]] = [:]
        for (name, compact) in CommandTable.arguments {
            arguments[name] = ArgumentSpec.parse(compact: compact)
        }
        var valkey: [String: CommandEntry.Docs] = [:]
        for (name, summary, syntax, compact) in valkeyDocs {
            valkey[name] = CommandEntry.Docs(
                summary: summary, syntax: syntax, arguments: compact.flatMap { ArgumentSpec.parse(compact: $0) })
        }
        return entries.map { e in
            CommandEntry(
                name: e.name, group: e.group, redisSince: e.redis, valkeySince: e.valkey,
                docs: CommandEntry.Docs(summary: e.summary, syntax: e.syntax, arguments: arguments[e.name]),
                valkeyDocs: valkey[e.name])
        }
    }()
}
