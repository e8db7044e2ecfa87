import Cluster

/// What rcli needs to know about a command before sending it.
package struct CommandTraits: Sendable, Equatable {
    /// redis-cli prints these replies raw even on a terminal (INFO, CLIENT LIST, ...).
    package var rawOutput = false
    /// `--json` prints the reply as this structure rather than one string (INFO, CLUSTER NODES, ...).
    package var replyShape: ReplyShape?
    /// After this command the connection only streams messages (SUBSCRIBE, MONITOR, ...).
    package var streaming = false
    /// (P|S)SUBSCRIBE: the connection turns to pub/sub.
    package var subscribe = false
    /// Under RESP3 the reply is a push message ((UN)SUBSCRIBE and friends).
    package var replyIsPush = false
    /// SELECT n: the database to track when it succeeds.
    package var selectsDatabase: Int?
    /// Session state this command sets when it succeeds, for a reconnect to restore.
    package var sessionChange: SessionChange?
    /// The reply may legitimately take long (BLPOP, WAIT, XREAD BLOCK ...): no reply timeout.
    package var blocking = false
    /// SHUTDOWN: success is the server closing the connection without a reply (nothing is
    /// printed), an error reply is a failure as usual. Nothing after it is sent until then, and
    /// the next command needs a new connection. It may take long (a save, replicas catching up).
    package var closesConnection = false

    /// The commands with traits, by name: one hash lookup per command (most have none), rather
    /// than a string comparison per case.
    private enum Kind {
        case info, rawOutput, debug, memory, cluster, client, latency, subscribe, unsubscribe, streams, blocking, xread
        case select, auth, hello, readOnly, readWrite, reset, shutdown
    }

    private static let kinds: [String: Kind] = {
        var kinds = derivedKinds
        // The server facts no flag gives (the one hand list of them): MONITOR, SYNC and PSYNC turn
        // the connection into a stream of their own; XREAD and XREADGROUP are flagged blocking but
        // block only with BLOCK.
        let unflagged: [String: Kind] = [
            "monitor": .streams, "sync": .streams, "psync": .streams, "xread": .xread, "xreadgroup": .xread,
        ]
        // How rcli prints a reply or tracks connection state: its own choices, not flags.
        let printingAndState: [String: Kind] = [
            "info": .info, "lolwut": .rawOutput, "debug": .debug, "memory": .memory, "cluster": .cluster,
            "client": .client, "latency": .latency, "select": .select, "auth": .auth, "hello": .hello,
            "readonly": .readOnly, "readwrite": .readWrite, "reset": .reset, "shutdown": .shutdown,
        ]
        kinds.merge(unflagged) { _, hand in hand }
        kinds.merge(printingAndState) { _, hand in hand }
        return kinds
    }()

    /// For each first letter (lowercased), the lengths of the names in `kinds` that start with
    /// it, as bits: most commands (SET, GET ...) are told apart from them without lowercasing
    /// the name or hashing it.
    private static let shapes: [UInt64] = {
        var shapes = [UInt64](repeating: 0, count: 256)
        for name in kinds.keys {
            let bytes = Array(name.utf8)
            guard let letter = bytes.first, bytes.count < 64 else { continue }
            shapes[Int(letter)] |= 1 << UInt64(bytes.count)
        }
        return shapes
    }()

    /// False when `name` cannot be one of `kinds` (its first letter and length match none).
    private static func mayBeKnown(_ name: [UInt8]) -> Bool {
        guard let letter = name.first else { return false }
        guard name.count < 64 else { return true }
        let lower = letter >= 65 && letter <= 90 ? letter + 32 : letter
        return shapes[Int(lower)] >> UInt64(name.count) & 1 == 1
    }

    /// What the command table's COMMAND INFO flags say (`CommandTable.flagged`, generated with the
    /// table): `blocking` commands may take long (BLPOP ..., and WAIT and WAITAOF, which Redis
    /// flags from 7.2 on); the pub/sub commands a script may not run (`pubsub` and `noscript`)
    /// change the connection's subscriptions: those that need a channel (arity below -1)
    /// subscribe, those that may name none (arity -1: all of them) unsubscribe.
    private static var derivedKinds: [String: Kind] {
        var kinds: [String: Kind] = [:]
        for (name, arity, text) in CommandTable.flagged where !name.contains("|") {
            let flags = text.split(separator: " ")
            if flags.contains("blocking") { kinds[name] = .blocking }
            if flags.contains("pubsub") && flags.contains("noscript") {
                kinds[name] = arity < -1 ? .subscribe : .unsubscribe
            }
        }
        return kinds
    }

    /// The names derived from the command table's flags, by what they are: for tests and docs.
    static var derivedNames: (blocking: Set<String>, subscribe: Set<String>, unsubscribe: Set<String>) {
        let kinds = derivedKinds
        func names(_ kind: Kind) -> Set<String> { Set(kinds.filter { $0.value == kind }.keys) }
        return (names(.blocking), names(.subscribe), names(.unsubscribe))
    }

    /// The traits of `args` (the command name is matched case-insensitively).
    package init(_ args: [[UInt8]]) {
        guard let first = args.first, Self.mayBeKnown(first), let kind = Self.kinds[Self.lower(first)] else { return }
        let argc = args.count
        var sub: String { argc > 1 ? Self.lower(args[1]) : "" }
        switch kind {
        case .info:
            rawOutput = true
            replyShape = .info
        case .rawOutput:
            rawOutput = true
        case .debug:
            rawOutput = argc >= 2 && (sub == "htstats" || sub == "htstats-key")
        case .memory:
            rawOutput = argc >= 2 && (sub == "malloc-stats" || sub == "doctor")
            if argc == 2 && sub == "stats" { replyShape = .memoryStats }
        case .cluster:
            rawOutput =
                (argc == 2 && (sub == "nodes" || sub == "info"))
                || (argc == 3 && (sub == "slaves" || sub == "replicas"))
            if rawOutput { replyShape = argc == 3 ? .clusterReplicas : sub == "nodes" ? .clusterNodes : .clusterInfo }
        case .client:
            let sub = sub
            rawOutput = argc >= 2 && (sub == "list" || sub == "info")
            if rawOutput { replyShape = sub == "list" ? .clientList : .clientInfo }
            if argc == 3 && sub == "setname" { sessionChange = .clientName(args[2]) }
        case .latency:
            rawOutput = (argc == 3 && sub == "graph") || (argc == 2 && sub == "doctor")
        case .subscribe:
            streaming = true
            subscribe = true
            replyIsPush = true
        case .unsubscribe:
            replyIsPush = true
        case .streams:
            streaming = true
        case .blocking:
            blocking = true
        case .xread:
            blocking = args.contains { Self.lower($0) == "block" }
        case .select:
            if argc == 2, let n = Int(String(decoding: args[1], as: UTF8.self)) { selectsDatabase = n }
        case .auth:
            if argc == 2 { sessionChange = .auth(user: nil, password: args[1]) }
            if argc == 3 { sessionChange = .auth(user: args[1], password: args[2]) }
        case .hello:
            if argc >= 2, let v = Int(String(decoding: args[1], as: UTF8.self)) { sessionChange = .protocolVersion(v) }
        case .readOnly:
            sessionChange = .readOnly(true)
        case .readWrite:
            sessionChange = .readOnly(false)
        case .reset:
            if argc == 1 { sessionChange = .reset }
        case .shutdown:
            closesConnection = true
            blocking = true
        }
    }

    /// ASCII-lowercased text of a command word.
    package static func lower(_ word: [UInt8]) -> String {
        CommandKeys.lowercased(word)
    }
}
