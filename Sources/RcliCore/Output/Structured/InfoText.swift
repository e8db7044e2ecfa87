import RESP

/// INFO's text (and CLUSTER INFO's, which has no sections) as a JSON-shaped object:
/// `# Server` starts the object `"server"`, `field:value` lines are its members, typed by
/// `TextFields.typed`; a `k=v,k=v` value (`db0`, `cmdstat_*`, `slave0`, ...) is an object of
/// typed members, and a `[a|b]` member of such a list an array. Lines before any section are
/// top-level members. `module:name=search,...` lines are keyed by the module's name.
enum InfoText {
    /// Fields whose values are identifiers or versions, kept as strings even when they happen to
    /// be all digits (a git SHA-1 of eight digits, a version like `8.0`).
    private static let textFields: Set<ArraySlice<UInt8>> = Set(
        [
            "redis_version", "redis_git_sha1", "redis_build_id", "run_id", "master_replid", "master_replid2",
            "gcc_version", "valkey_version", "server_name",
        ].map { ArraySlice($0.utf8) })

    private static let module = ArraySlice("module".utf8)
    private static let name = ArraySlice("name".utf8)

    /// The object, or nil when a line is neither `# Section` nor `field:value`.
    static func structure(_ text: [UInt8]) -> RESPValue? {
        var top = JSONObjectBuilder()
        var section: (name: ArraySlice<UInt8>, fields: JSONObjectBuilder)?
        for line in TextFields.lines(text) {
            if line.first == UInt8(ascii: "#") {
                if let done = section { top.add(done.name, done.fields.value) }
                let name = line.dropFirst().drop { $0 == UInt8(ascii: " ") }
                section = (ArraySlice(name.map(lowercase)), JSONObjectBuilder())
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return nil }
            var key = line[..<colon]
            let raw = line[(colon + 1)...]
            let value: RESPValue
            if textFields.contains(key) {
                value = .bulkString(Array(raw))
            } else if let pairs = TextFields.pairs(raw, separator: UInt8(ascii: ",")) {
                if key == module, let named = pairs.first(where: { $0.key == name }) { key = named.value }
                value = object(pairs)
            } else {
                value = TextFields.typed(raw)
            }
            if section != nil {
                section?.fields.add(key, value)
            } else {
                top.add(key, value)
            }
        }
        if let done = section { top.add(done.name, done.fields.value) }
        return top.value
    }

    private static func object(_ pairs: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]) -> RESPValue {
        var members = JSONObjectBuilder()
        for (key, value) in pairs {
            if value.first == UInt8(ascii: "["), value.last == UInt8(ascii: "]") {
                let inner = value.dropFirst().dropLast()
                members.add(key, .array(inner.split(separator: UInt8(ascii: "|")).map { .bulkString(Array($0)) }))
            } else {
                members.add(key, TextFields.typed(value))
            }
        }
        return members.value
    }

    private static func lowercase(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
    }
}
