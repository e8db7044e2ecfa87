import RESP

/// How a server moves slots by itself (atomic slot migration), and what it says about a job. Pure:
/// the parsing and decisions here are unit-tested without a server.
enum AtomicDialect: Equatable, Sendable {
    /// Valkey 9.0+: `CLUSTER MIGRATESLOTS` on the source, `CLUSTER GETSLOTMIGRATIONS` to follow,
    /// `CLUSTER CANCELSLOTMIGRATIONS` on the source to cancel.
    case valkey
    /// Redis 8.4+: `CLUSTER MIGRATION IMPORT` on the target (a task id back), `CLUSTER MIGRATION
    /// STATUS ID` on both sides, `CLUSTER MIGRATION CANCEL ID` on both sides.
    case redis

    /// The command that moves slots, as the user may know it.
    var command: String { self == .valkey ? "CLUSTER MIGRATESLOTS" : "CLUSTER MIGRATION IMPORT" }

    /// What a node can do, from its `INFO server` text: Valkey (`server_name:valkey`) 9.0 or later,
    /// Redis 8.4 or later, else nil.
    static func of(infoServer text: String) -> AtomicDialect? {
        let valkey = ManagedCluster.field(text, "server_name") == "valkey"
        let version = ManagedCluster.field(text, valkey ? "valkey_version" : "redis_version") ?? ""
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        let major = parts.first ?? 0
        let minor = parts.count > 1 ? parts[1] : 0
        if valkey { return major >= 9 ? .valkey : nil }
        return major > 8 || (major == 8 && minor >= 4) ? .redis : nil
    }

    /// `Valkey 9.1.2` / `Redis 8.4.0` / `Redis 7.0.15` from an `INFO server` text.
    static func serverName(infoServer text: String) -> String {
        if ManagedCluster.field(text, "server_name") == "valkey" {
            return "Valkey " + (ManagedCluster.field(text, "valkey_version") ?? "?")
        }
        return "Redis " + (ManagedCluster.field(text, "redis_version") ?? "?")
    }
}

/// One atomic slot migration job as a node reports it (Valkey `CLUSTER GETSLOTMIGRATIONS`, Redis
/// `CLUSTER MIGRATION STATUS`).
struct SlotMigrationJob: Equatable, Sendable {
    /// Valkey's `name`, Redis's `id`.
    var id: String
    /// `EXPORT`/`IMPORT` (Valkey), `migrate`/`import` (Redis), as the node says it.
    var operation: String
    var slots: [ClosedRange<Int>]
    /// Node ids.
    var source: String
    var target: String
    var state: String
    /// Valkey's `message`, Redis's `last_error`.
    var message: String
    /// Seconds since the epoch (Valkey); milliseconds (Redis: `create_time`, and `end_time` as
    /// `updated`, -1 until the task ends), when given.
    var created: Int?
    var updated: Int?
    /// Valkey's `last_ack_time` (acknowledgements flow while a job makes progress).
    var acked: Int?
    /// Which server's list it came from, where known.
    var dialect: AtomicDialect?

    enum Outcome: Equatable {
        case running
        case succeeded
        case failed
        case cancelled
    }

    /// The terminal states of both servers; anything else is still running. Redis 8.4 says
    /// `completed`, `failed` and `canceled` (src/cluster_asm.c, asmTaskStateToString); its
    /// `failed` import is started again by the destination itself until cancelled.
    var outcome: Outcome {
        switch state.lowercased() {
        case "success", "completed", "complete", "done": return .succeeded
        case "failed", "fail", "error": return .failed
        case "cancelled", "canceled": return .cancelled
        default: return .running
        }
    }

    var isExport: Bool { ["export", "migrate"].contains(operation.lowercased()) }

    var slotCount: Int { slots.reduce(0) { $0 + $1.count } }

    /// The jobs in a reply: an array of maps (RESP3) or of flat field/value arrays (RESP2); nil
    /// when the reply is an error or not that shape. An entry without an id is left out.
    static func list(_ reply: RESPValue) -> [SlotMigrationJob]? {
        let entries: [RESPValue]
        switch reply {
        case .array(let items), .set(let items): entries = items
        // Redis 8.4's `STATUS ID x` answers an array of the one task (empty when unknown); a
        // bare map is read as that one task too.
        case .map: entries = [reply]
        default: return nil
        }
        var jobs: [SlotMigrationJob] = []
        for entry in entries {
            let f = entry.fields
            func text(_ names: String...) -> String {
                for name in names { if let t = f[name]?.text { return t } }
                for name in names { if case .integer(let n) = f[name] { return String(n) } }
                return ""
            }
            let id = text("name", "id")
            guard !id.isEmpty else { continue }
            jobs.append(
                SlotMigrationJob(
                    id: id, operation: text("operation"), slots: ranges(text("slot_ranges", "slots")),
                    source: text("source_node", "source"), target: text("target_node", "dest", "target"),
                    state: text("state"), message: text("message", "last_error"),
                    created: seconds(text("create_time")), updated: seconds(text("last_update_time", "end_time")),
                    acked: seconds(text("last_ack_time"))))
        }
        return jobs
    }

    /// A time as seconds since the epoch: Valkey gives seconds, Redis milliseconds (-1: not yet).
    static func seconds(_ text: String) -> Int? {
        guard let n = Int(text), n >= 0 else { return nil }
        return n > 100_000_000_000 ? n / 1000 : n
    }

    /// `0-99 200-210` (Valkey; Redis writes a single slot `5-5`), also comma-separated and with
    /// single slots (`5`).
    static func ranges(_ text: String) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let ends = word.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0) }
            guard let lo = ends.first ?? nil else { continue }
            let hi = ends.count > 1 ? (ends[1] ?? lo) : lo
            if lo <= hi && lo >= 0 { out.append(lo...hi) }
        }
        return out
    }

    /// `0-99 200-210` as Valkey writes it.
    static func text(_ ranges: [ClosedRange<Int>]) -> String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: " ")
    }
}
