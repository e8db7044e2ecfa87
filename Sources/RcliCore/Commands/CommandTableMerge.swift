import Cluster

/// One server's parsed COMMAND DOCS and COMMAND INFO (key specs, arity and flags), by
/// lowercased name (`container|sub` for subcommands).
struct ServerCommands: Sendable {
    /// Help docs, as `HelpCommand.collect` reads them.
    var docs: [String: HelpCommand.Doc]
    /// Key specs and the read-only flag of the commands that take keys.
    var keys: [String: CommandKeyInfo]
    /// Arity and flags of every command.
    var flags: [String: CommandFlags]

    init(
        docs: [String: HelpCommand.Doc] = [:], keys: [String: CommandKeyInfo] = [:],
        flags: [String: CommandFlags] = [:]
    ) {
        self.docs = docs
        self.keys = keys
        self.flags = flags
    }

    /// Every name the server knows, from its docs or its COMMAND INFO.
    var names: Set<String> { Set(docs.keys).union(keys.keys).union(flags.keys) }
}

/// The merge of the servers' tables into the committed one (scripts/gen-command-table). Pure.
///
/// Rules:
/// - Same kind, two versions (`overlay`): the newer server speaks for every command it knows;
///   the older one only adds the commands the newer no longer has, so nothing that was in the
///   table before (redis 7.0's) vanishes when a server drops or renames a command.
/// - Redis and Valkey (`merge`): a command both have is one entry keeping both `since` values
///   (Valkey's are Valkey versions for its own additions: HSETEX is 8.0.0 in Redis, 9.0.0 in
///   Valkey). Its group, summary, syntax and arguments are Redis's (redis-cli's lineage, and its
///   hint suite); where Valkey's summary, syntax or arguments differ they are kept beside them
///   and served to Valkey servers. Argument trees are not unioned: the two differ in shape
///   (BITCOUNT's `end` optional in Valkey, SHUTDOWN's ABORT regrouped) and Valkey's argument
///   `since` values are Valkey versions, so each kind keeps its own list, whole.
/// - Key specs serve routing under `-c` for both kinds, so one set per command: the same in both
///   (every shared command today), or else Redis's, read-only only when both say so (a write
///   sent to a replica is redirected; a read sent to a master is merely not spread), with a note.
/// - Flags (what `CommandTraits` derives from): united, so a command either server flags as
///   blocking may block (WAIT is flagged in Redis 7.2+ and Valkey, not in 7.0); the arity is
///   Redis's, with a note where Valkey's differs.
enum CommandTableMerge {
    /// The merged table: entries in name order, key specs by name, and what needs a human's look.
    struct Result: Sendable {
        var entries: [CommandEntry]
        var keys: [String: CommandKeyInfo]
        var flags: [String: CommandFlags]
        var notes: [String]
    }

    /// `newer` plus what only `older` has (docs, key specs and flags of those commands), and their
    /// names.
    static func overlay(_ newer: ServerCommands, older: ServerCommands) -> (ServerCommands, kept: [String]) {
        let known = newer.names
        var out = newer
        let kept = older.names.subtracting(known).sorted()
        for name in kept {
            out.docs[name] = older.docs[name]
            out.keys[name] = older.keys[name]
            out.flags[name] = older.flags[name]
        }
        return (out, kept)
    }

    /// Redis's and Valkey's tables as one (see the rules above).
    static func merge(redis: ServerCommands, valkey: ServerCommands) -> Result {
        var entries: [CommandEntry] = []
        var notes: [String] = []
        let names = Set(redis.docs.keys).union(valkey.docs.keys).sorted()
        for name in names {
            let r = redis.docs[name]
            let v = valkey.docs[name]
            guard let first = r ?? v else { continue }
            var entry = CommandEntry(
                name: name, group: first.group, redisSince: r?.since, valkeySince: v?.since, docs: docs(first))
            if let r, let v {
                if !v.group.isEmpty && v.group != r.group {
                    notes.append("\(name): group '\(r.group)' in Redis, '\(v.group)' in Valkey; kept Redis's")
                }
                let theirs = docs(v)
                if theirs != entry.docs { entry.valkeyDocs = theirs }
            }
            entries.append(entry)
        }
        var keys = redis.keys
        for (name, info) in valkey.keys {
            guard let ours = keys[name] else {
                keys[name] = info
                continue
            }
            guard ours != info else { continue }
            if ours.specs != info.specs {
                let specs = "'\(ours.compact.specs)' in Redis, '\(info.compact.specs)' in Valkey"
                notes.append("\(name): key specs \(specs); kept Redis's")
            }
            keys[name] = CommandKeyInfo(specs: ours.specs, readOnly: ours.readOnly && info.readOnly)
        }
        var flags = redis.flags
        for (name, theirs) in valkey.flags {
            guard let ours = flags[name] else {
                flags[name] = theirs
                continue
            }
            if ours.arity != theirs.arity {
                notes.append("\(name): arity \(ours.arity) in Redis, \(theirs.arity) in Valkey; kept Redis's")
            }
            flags[name] = CommandFlags(arity: ours.arity, flags: ours.flags.union(theirs.flags))
        }
        return Result(entries: entries, keys: keys, flags: flags, notes: notes)
    }

    private static func docs(_ doc: HelpCommand.Doc) -> CommandEntry.Docs {
        CommandEntry.Docs(summary: doc.summary, syntax: doc.syntax, arguments: doc.arguments)
    }
}
