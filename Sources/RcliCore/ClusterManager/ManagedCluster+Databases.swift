import RESP
import RedisNet

/// Numbered databases in cluster mode (Valkey 9 `cluster-databases` > 1). GETKEYSINSLOT,
/// COUNTKEYSINSLOT and MIGRATE act on the selected database only, and a node deletes the keys it
/// still holds in a slot it gave away: whatever moves or counts a slot's keys asks every
/// non-empty database. Servers without numbered databases (Redis, Valkey 8, Valkey 9 with one
/// database) cost one round trip per node and run (`databaseMode(of:)`), then take the
/// database-0 path they always took.
extension ManagedCluster {
    /// How a node serves numbered databases, from its answer to `SELECT 1`.
    enum DatabaseMode: Equatable {
        /// Database 0 only: SELECT 1 is refused as out of range or not allowed in cluster mode.
        case single
        /// SELECT 1 works: other databases may hold keys.
        case numbered
        /// SELECT 1 failed otherwise (an ACL, a lost connection): other databases may hold keys
        /// that cannot be read; the error says why.
        case unselectable(String)
    }

    /// Why a node's databases could not be read (one line).
    struct DatabaseReadError: Error {
        let text: String
    }

    /// `node`'s database mode, asked once per run: `SELECT 1` then `SELECT 0` on its connection
    /// (a connection that might be left in database 1 is dropped).
    func databaseMode(of node: ManagerNode) -> DatabaseMode {
        if let known = databaseModes[node.id] { return known }
        let replies = pipeline(node, [["SELECT", "1"], ["SELECT", "0"]], seconds: 10)
        guard let first = replies.first else { return .unselectable("the connection was lost") }
        if replies.count < 2 || replies[1].isError { disconnect(node) }
        let mode: DatabaseMode
        if case .error(let e) = first {
            let text = String(decoding: e, as: UTF8.self)
            let refused = ["out of range", "not allowed in cluster mode"].contains { text.lowercased().contains($0) }
            mode = refused ? .single : .unselectable(text)
        } else {
            mode = .numbered
        }
        databaseModes[node.id] = mode
        return mode
    }

    /// Keys per non-empty database of `node`, from `INFO keyspace` (`db3:keys=5,...`).
    func keyspace(of node: ManagerNode) -> Result<[Int: Int], DatabaseReadError> {
        let reply = call(node, ["INFO", "keyspace"], seconds: 10)
        if case .error(let e) = reply {
            return .failure(
                DatabaseReadError(
                    text: "Node \(ManagerAddress.text(node.address)): cannot read INFO keyspace: "
                        + String(decoding: e, as: UTF8.self)))
        }
        return .success(Self.keyspace(reply.text ?? ""))
    }

    /// Keys per database in an INFO keyspace text (databases without keys left out).
    static func keyspace(_ text: String) -> [Int: Int] {
        var keys: [Int: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("db") {
            guard let colon = line.firstIndex(of: ":"),
                let db = Int(line[line.index(line.startIndex, offsetBy: 2)..<colon])
            else { continue }
            for field in line[line.index(after: colon)...].split(separator: ",") where field.hasPrefix("keys=") {
                if let n = Int(field.dropFirst(5)), n > 0 { keys[db] = n }
            }
        }
        return keys
    }

    /// The databases other than 0 that may hold keys of `node`'s slots right now: none on a
    /// node without numbered databases (no round trip), else the non-empty ones INFO keyspace
    /// lists; an error when they cannot be read.
    func otherDatabases(of node: ManagerNode) -> Result<[Int], DatabaseReadError> {
        let mode = databaseMode(of: node)
        if mode == .single { return .success([]) }
        switch keyspace(of: node) {
        case .failure(let error):
            return .failure(error)
        case .success(let keys):
            let others = keys.keys.filter { $0 != 0 }.sorted()
            if case .unselectable(let why) = mode, let db = others.first {
                return .failure(
                    DatabaseReadError(
                        text: "Node \(ManagerAddress.text(node.address)) holds keys in database \(db), which "
                            + "\(Voice.current.selfName) cannot select: \(why)"))
            }
            return .success(others)
        }
    }

    /// Keys per database in each of `slots` on `node` (`[slot index][db]`; database 0 always
    /// present): COUNTKEYSINSLOT pipelined in every non-empty database.
    func slotKeys(_ node: ManagerNode, _ slots: [Int]) -> Result<[[Int: Int]], DatabaseReadError> {
        switch otherDatabases(of: node) {
        case .failure(let error): return .failure(error)
        case .success(let others): return slotKeys(node, slots, in: [0] + others)
        }
    }

    /// Keys per database in each of `slots` on `node`, counted in `databases` (one round trip).
    func slotKeys(_ node: ManagerNode, _ slots: [Int], in databases: [Int]) -> Result<[[Int: Int]], DatabaseReadError> {
        let counts = slots.map { ["CLUSTER", "COUNTKEYSINSLOT", "\($0)"].map { Array($0.utf8) } }
        let answers = pipelineMany(inDatabases: databases.map { (node, $0, counts) }, seconds: 60)
        var result = [[Int: Int]](repeating: [:], count: slots.count)
        for (db, answer) in zip(databases, answers) {
            for i in slots.indices {
                guard i < answer.replies.count else {
                    return .failure(Self.unreadable(node, db, answer.error ?? "the connection was lost"))
                }
                switch answer.replies[i] {
                case .integer(let n): result[i][db] = Int(n)
                case .error(let e): return .failure(Self.unreadable(node, db, String(decoding: e, as: UTF8.self)))
                default: return .failure(Self.unreadable(node, db, "unexpected reply to COUNTKEYSINSLOT"))
                }
            }
        }
        return .success(result)
    }

    /// Keys in each of `slots` on `node`, all databases together.
    func slotKeyTotals(_ node: ManagerNode, _ slots: [Int]) -> Result<[Int], DatabaseReadError> {
        slotKeys(node, slots).map { $0.map { $0.values.reduce(0, +) } }
    }

    /// Keys each of `nodes` holds in every database (what check and info show), by node id: INFO
    /// keyspace summed, asked of every node at once (one round trip for all) unless load asked it
    /// already (those answers are used once), DBSIZE for those that refuse it; a node that answers
    /// neither is left out.
    func keyCounts(of nodes: [ManagerNode]) -> [String: Int] {
        // What load asked already is not asked again.
        let asking = nodes.filter { prefetchedKeyspace[$0.id] == nil }
        let asked = pipelineMany(asking.map { ($0, [Self.infoKeyspace]) }, seconds: 10)
        var answers = prefetchedKeyspace
        prefetchedKeyspace = [:]
        for (node, replies) in zip(asking, asked) { answers[node.id] = replies.first }
        var keys: [String: Int] = [:]
        for node in nodes {
            if let first = answers[node.id], !first.isError, let text = first.text {
                keys[node.id] = Self.keyspace(text).values.reduce(0, +)
            } else if case .integer(let n) = call(node, ["DBSIZE"]) {
                keys[node.id] = Int(n)
            }
        }
        return keys
    }

    /// `Node h:p: cannot read database 3: why`.
    static func unreadable(_ node: ManagerNode, _ db: Int, _ why: String) -> DatabaseReadError {
        DatabaseReadError(text: "Node \(ManagerAddress.text(node.address)): cannot read database \(db): \(why)")
    }
}
