import RESP

/// One argument of a command as `COMMAND DOCS` describes it (redis 7.0+): its name, type, token,
/// flags and nested arguments. The hint engine (`ArgumentHinter`) matches typed words against these.
package struct ArgumentSpec: Sendable, Equatable {
    /// The argument's type.
    package enum Kind: String, Sendable, CaseIterable {
        case string, integer, double, key, pattern
        case unixTime = "unix-time"
        case pureToken = "pure-token"
        case oneOf = "oneof"
        case block
    }

    /// The name (`seconds`).
    package var name: String
    /// The type.
    package var kind: Kind
    /// The word that introduces it (`EX`), if any; may be the empty string (MIGRATE's `""`).
    package var token: String?
    /// What to show instead of the name, if anything.
    package var displayText: String?
    /// Flag `optional`.
    package var optional = false
    /// Flag `multiple`.
    package var multiple = false
    /// Flag `multiple_token`: the token repeats with each repetition.
    package var multipleToken = false
    /// The alternatives (oneof) or parts (block).
    package var children: [ArgumentSpec] = []
    /// The server version that added it (`6.2.0`), when it came after its command.
    package var since: String?

    /// A spec from its parts.
    package init(
        _ name: String, _ kind: Kind, token: String? = nil, display: String? = nil, optional: Bool = false,
        multiple: Bool = false, multipleToken: Bool = false, children: [ArgumentSpec] = []
    ) {
        self.name = name
        self.kind = kind
        self.token = token
        self.displayText = display
        self.optional = optional
        self.multiple = multiple
        self.multipleToken = multipleToken
        self.children = children
    }

    /// One entry of a COMMAND DOCS `arguments` list (a map in RESP3, a flat array in RESP2);
    /// nil when it is not one. Unknown types count as `string` (any word matches).
    package init?(docs value: RESPValue) {
        let f = value.fields
        guard !f.isEmpty, let name = f["name"]?.text else { return nil }
        self.name = name
        kind = f["type"]?.text.flatMap(Kind.init(rawValue:)) ?? .string
        token = f["token"]?.text
        displayText = f["display_text"]?.text
        var flags: [String] = []
        switch f["flags"] {
        case .some(.array(let items)), .some(.set(let items)): flags = items.compactMap(\.text)
        default: break
        }
        optional = flags.contains("optional")
        multiple = flags.contains("multiple")
        multipleToken = flags.contains("multiple_token")
        children = Self.list(docs: f["arguments"]) ?? []
        since = f["since"]?.text
    }

    /// This spec as a server of `version` knows it: nil when the argument came later; a oneof
    /// or block keeps the alternatives and parts the server has (redis-cli 7.4's filter for
    /// servers that do not answer COMMAND DOCS).
    package func supported(by version: ServerVersion) -> ArgumentSpec? {
        if let since, let added = ServerVersion(since), version < added { return nil }
        var spec = self
        spec.children = children.compactMap { $0.supported(by: version) }
        if !children.isEmpty && spec.children.isEmpty { return nil }
        return spec
    }

    /// A COMMAND DOCS `arguments` value as specs; nil when absent or not a list.
    package static func list(docs value: RESPValue?) -> [ArgumentSpec]? {
        guard case .some(.array(let items)) = value else { return nil }
        return items.compactMap { ArgumentSpec(docs: $0) }
    }
}
