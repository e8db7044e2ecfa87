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
        var kinds: [String: Kind] = [
            "info": .info, "lolwut": .rawOutput, "debug": .debug, "memory": .memory, "cluster": .cluster,
            "client": .client, "latency": .latency, "xread": .xread, "xreadgroup": .xread, "select": .select,
            "auth": .auth, "hello": .hello, "readonly": .readOnly, "readwrite": .readWrite, "reset": .reset,
            "shutdown": .shutdown,
        ]
        for name in ["subscribe", "psubscribe", "ssubscribe"] { kinds[name] = .subscribe }
        for name in ["unsubscribe", "punsubscribe", "sunsubscribe"] { kinds[name] = .unsubscribe }
        for name in ["monitor", "sync", "psync"] { kinds[name] = .streams }
        for name in [
            "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "wait", "waitaof",
        ] {
            kinds[name] = .blocking
        }
        return kinds
    }()

    /// The traits of `args` (the command name is matched case-insensitively).
    package init(_ args: [[UInt8]]) {
        guard let first = args.first, let kind = Self.kinds[Self.lower(first)] else { return }
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
