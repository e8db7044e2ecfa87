/// One command (or `container|sub`) of the committed table, merged from Redis's and Valkey's
/// COMMAND DOCS (`CommandTableMerge`): where it comes from, with each server's `since`, and the
/// docs to show. Its text is Redis's when both have it; Valkey's own summary, syntax and
/// arguments are kept beside them where they differ and served to Valkey servers.
package struct CommandEntry: Sendable, Equatable {
    /// A server's own docs for the command.
    package struct Docs: Sendable, Equatable {
        /// One line of summary.
        package var summary: String
        /// The syntax line (`key value [NX|XX] ...`).
        package var syntax: String
        /// Argument specs for hints; nil when the server gives none.
        package var arguments: [ArgumentSpec]?

        /// Docs from their parts.
        package init(summary: String, syntax: String, arguments: [ArgumentSpec]?) {
            self.summary = summary
            self.syntax = syntax
            self.arguments = arguments
        }
    }

    /// Lowercased name, `container|sub` for a subcommand.
    package var name: String
    /// The COMMAND DOCS group (`string`, `server`, `module` ...).
    package var group: String
    /// Redis's `since` (a Redis version; "" when Redis gives none, as for module commands);
    /// nil when Redis does not have the command.
    package var redisSince: String?
    /// Valkey's `since` (a Valkey version for Valkey's own commands, the Redis one for those it
    /// inherited); nil when Valkey does not have the command.
    package var valkeySince: String?
    /// The docs shown by default: Redis's, or Valkey's for a Valkey-only command.
    package var docs: Docs
    /// Valkey's docs, for a command both have whose Valkey docs differ from `docs`.
    package var valkeyDocs: Docs?

    /// An entry from its parts.
    package init(
        name: String, group: String, redisSince: String?, valkeySince: String?, docs: Docs, valkeyDocs: Docs? = nil
    ) {
        self.name = name
        self.group = group
        self.redisSince = redisSince
        self.valkeySince = valkeySince
        self.docs = docs
        self.valkeyDocs = valkeyDocs
    }

    /// The entry as `server` knows it, as help docs: nil when the server's kind does not have the
    /// command or its version is older than the command's `since` for that kind; arguments added
    /// after that version are left out (redis-cli 7.4's filter for servers that do not answer
    /// COMMAND DOCS). With no identity (no server, or INFO unreadable) every entry is offered,
    /// with the default docs and both `since` values when they differ.
    func doc(for server: ServerIdentity?) -> HelpCommand.Doc? {
        guard let server else {
            return make(docs, since: sinceText, version: nil)
        }
        switch server.kind {
        case .redis:
            guard let since = redisSince else { return nil }
            return make(docs, since: since, version: server.version)
        case .valkey:
            guard let since = valkeySince else { return nil }
            return make(valkeyDocs ?? docs, since: since, version: server.version)
        }
    }

    /// `since` shown when the server is unknown: `7.4.0 (Valkey 9.0.0)` when the two differ,
    /// `9.0.0 (Valkey)` for a Valkey-only command.
    var sinceText: String {
        switch (redisSince, valkeySince) {
        case (let r?, let v?) where r != v: return "\(r) (Valkey \(v))"
        case (let r?, _): return r
        case (nil, let v?): return "\(v) (Valkey)"
        case (nil, nil): return ""
        }
    }

    private func make(_ docs: Docs, since: String, version: ServerVersion?) -> HelpCommand.Doc? {
        var arguments = docs.arguments
        if let version {
            if let added = ServerVersion(since), version < added { return nil }
            arguments = arguments?.compactMap { $0.supported(by: version) }
        }
        return HelpCommand.Doc(
            name: name, summary: docs.summary, since: since, group: group, syntax: docs.syntax, arguments: arguments)
    }
}
