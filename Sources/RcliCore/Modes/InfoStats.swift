/// The INFO fields `--stat` shows, summable across nodes.
struct InfoStats {
    var keys = 0
    var memory = 0
    var clients = 0
    var blocked = 0
    var requests = 0
    var connections = 0
    var saving = false
    var rewriting = false
    var loading = false

    init() {}

    init(_ info: String) {
        for line in info.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            let number = Int(value) ?? 0
            switch key {
            case "used_memory": memory = number
            case "connected_clients": clients = number
            case "blocked_clients": blocked = number
            case "total_commands_processed": requests = number
            case "total_connections_received": connections = number
            case "rdb_bgsave_in_progress", "bgsave_in_progress": saving = saving || number != 0
            case "aof_rewrite_in_progress": rewriting = number != 0
            case "loading": loading = number != 0
            default:
                if key.hasPrefix("db"), Int(key.dropFirst(2)) != nil,
                    let keysField = value.split(separator: ",").first, keysField.hasPrefix("keys=")
                {
                    keys += Int(keysField.dropFirst(5)) ?? 0
                }
            }
        }
    }

    mutating func add(_ other: InfoStats) {
        keys += other.keys
        memory += other.memory
        clients += other.clients
        blocked += other.blocked
        requests += other.requests
        connections += other.connections
        saving = saving || other.saving
        rewriting = rewriting || other.rewriting
        loading = loading || other.loading
    }

    /// redis-cli's child column: SAVE, AOF, SAVE+AOF or LOAD.
    var child: String {
        if loading { return "LOAD" }
        switch (saving, rewriting) {
        case (true, true): return "SAVE+AOF"
        case (true, false): return "SAVE"
        case (false, true): return "AOF"
        default: return ""
        }
    }
}
