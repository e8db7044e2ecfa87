import RESP

/// CLIENT LIST / CLIENT INFO lines (`id=3 addr=127.0.0.1:51234 ... name= ... resp=2`) as
/// JSON-shaped objects, one per client; numeric fields typed, the fields that name or describe
/// (name, addr, flags, cmd, user, ...) always strings.
enum ClientListText {
    private static let textFields: Set<ArraySlice<UInt8>> = Set(
        ["name", "lib-name", "lib-ver", "addr", "laddr", "flags", "events", "cmd", "user"].map { ArraySlice($0.utf8) })

    /// One object per line, or nil when a line is not `key=value` words.
    static func structure(_ text: [UInt8]) -> RESPValue? {
        var clients: [RESPValue] = []
        for line in TextFields.lines(text) {
            guard let pairs = TextFields.pairs(line, separator: UInt8(ascii: " ")) else { return nil }
            var client = JSONObjectBuilder()
            for (key, value) in pairs {
                client.add(key, textFields.contains(key) ? .bulkString(Array(value)) : TextFields.typed(value))
            }
            clients.append(client.value)
        }
        return .array(clients)
    }
}
