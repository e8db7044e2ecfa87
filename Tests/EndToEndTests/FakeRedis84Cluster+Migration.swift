import Foundation
import RESP

/// `CLUSTER MIGRATION` as Redis 8.4 answers it (redis/redis `src/cluster_asm.c`:
/// `clusterMigrationCommandImport`, `clusterMigrationCommandStatus`, `replyTaskStatus`,
/// `clusterMigrationCommandCancel`, `asmTaskStateToString`, `asmCron`):
/// - `IMPORT s e [s e ...]` on the destination: the new task's 40-hex id as a bulk string, or an
///   error (`this node is already the owner of the slot range`, `slots belong to different source
///   nodes`, `another ASM task is already in progress`: a node runs one task at a time, importing
///   or migrating; an import asked while the node's own import has failed cancels that one).
/// - `STATUS ID id | ALL`: an array of tasks (empty when the id is unknown), each a map (RESP3) or
///   a flat field/value array (RESP2) of `id, slots ("0-99 200-210", a single slot "5-5"),
///   source, dest, operation (import | migrate), state, last_error, retries, create_time,
///   start_time, end_time (ms; -1 until set), write_pause_ms`, the integers as integers.
/// - `CANCEL ID id | ALL`: the number of tasks cancelled (0 for one already finished). A
///   cancelled task says `canceled` and `Cancelled due to user request (state: ...)`.
/// - States: `completed`, `failed`, `canceled` and the in-progress ones. A failed import is not
///   over: the destination starts it again by itself about once a second (`retries` + 1) until
///   it completes or is cancelled; cancelling only the source leaves the destination retrying.
extension FakeRedis84Cluster {
    final class Task {
        let id: String
        let slots: [ClosedRange<Int>]
        let source: Int
        let target: Int
        let script: Script
        var polls = 0
        /// The destination's side (`import`).
        var targetState = "none"
        var targetError = ""
        /// The source's side (`migrate`): nil until the destination has reached the source.
        var sourceState: String?
        var sourceError = ""
        var retries = 0
        var failedAtPoll: Int?
        let created = FakeRedis84Cluster.now()
        var started: Int64 = -1
        var ended: Int64 = -1
        var sourceEnded: Int64 = -1

        init(id: String, slots: [ClosedRange<Int>], source: Int, target: Int, script: Script) {
            self.id = id
            self.slots = slots
            self.source = source
            self.target = target
            self.script = script
        }

        /// Neither completed nor cancelled on the destination, or still running on the source.
        var isActive: Bool {
            !["completed", "canceled"].contains(targetState)
                || sourceState.map { !["completed", "canceled", "failed"].contains($0) } ?? false
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Ids of the tasks still running on some node (a failed import counts: it is retried).
    var activeTasks: [String] {
        lock.lock()
        defer { lock.unlock() }
        return tasks.filter(\.isActive).map(\.id)
    }

    /// True when node `node` runs a task that blocks a new one (as Redis: one task per node).
    private func busy(_ node: Int, except: Task? = nil) -> Bool {
        tasks.contains { task in
            task !== except
                && ((task.target == node && !["completed", "canceled", "failed"].contains(task.targetState))
                    || (task.source == node
                        && task.sourceState.map { !["completed", "canceled", "failed"].contains($0) } ?? false))
        }
    }

    /// `CLUSTER MIGRATION <words>` on node `node` (the lock is held).
    func migration(_ words: [String], node: Int) -> RESPValue {
        let sub = words.first?.uppercased() ?? ""
        switch sub {
        case "IMPORT": return importTask(Array(words.dropFirst()), node: node)
        case "STATUS", "CANCEL":
            let all = words.count == 2 && words[1].uppercased() == "ALL"
            let byID = words.count == 3 && words[1].uppercased() == "ID"
            guard all || byID else {
                return Self.error("ERR wrong number of arguments for 'cluster|migration' command")
            }
            let mine = tasks.filter { $0.target == node || ($0.source == node && $0.sourceState != nil) }
            let chosen = all ? mine : mine.filter { $0.id == words[2] }
            if sub == "CANCEL" {
                return .integer(Int64(chosen.filter { cancel($0, on: node) }.count))
            }
            for task in chosen where task.target == node { advance(task) }
            return .array(chosen.map { entry($0, on: node) })
        default:
            return Self.error("ERR unknown argument")
        }
    }

    private func importTask(_ args: [String], node: Int) -> RESPValue {
        guard !args.isEmpty, args.count % 2 == 0 else {
            return Self.error("ERR wrong number of arguments for 'cluster|migration' command")
        }
        var ranges: [ClosedRange<Int>] = []
        var i = 0
        while i + 1 < args.count {
            guard let lo = Int(args[i]), let hi = Int(args[i + 1]), 0 <= lo, lo <= hi, hi < 16384 else {
                return Self.error("ERR Invalid or out of range slot")
            }
            ranges.append(lo...hi)
            i += 2
        }
        let sources = Set(ranges.flatMap { $0.map { owners[$0] } })
        guard !sources.contains(-1) else { return Self.error("ERR slot has no owner") }
        guard sources.count == 1, let source = sources.first else {
            return Self.error("ERR slots belong to different source nodes")
        }
        guard source != node else { return Self.error("ERR this node is already the owner of the slot range") }
        if let failed = tasks.first(where: { $0.target == node && $0.targetState == "failed" }) {
            cancelOnTarget(failed, reason: "new import requested")
        }
        guard !busy(node) else { return Self.error("ERR another ASM task is already in progress") }
        let script = scripts.isEmpty ? .complete(after: 2) : scripts.removeFirst()
        let id = (UUID().uuidString + UUID().uuidString).lowercased().filter { $0 != "-" }.prefix(40)
        tasks.append(Task(id: String(id), slots: ranges, source: source, target: node, script: script))
        return Self.bulk(String(id))
    }

    /// One `STATUS` poll on the destination: the task moves on as scripted.
    private func advance(_ task: Task) {
        guard !["completed", "canceled"].contains(task.targetState) else { return }
        task.polls += 1
        if task.targetState == "failed" {
            // asmCron: a failed import is started again about once a second (ten polls here).
            if let at = task.failedAtPoll, task.polls - at >= 10 {
                task.retries += 1
                task.failedAtPoll = nil
                task.polls = 1
                task.targetState = "connecting"
                task.sourceState = nil
            }
            return
        }
        if task.targetState == "none" || task.targetState == "connecting" {
            if task.started < 0 { task.started = Self.now() }
            // The source refuses SYNCSLOTS while it runs another task.
            if busy(task.source, except: task) {
                fail(
                    task,
                    "Main channel - Failed to sync with source node: Error reply to CLUSTER SYNCSLOTS SYNC from the "
                        + "source: -ERR Another ASM task is already in progress (state: syncslots-reply, "
                        + "rdb_channel_state: none)", source: nil)
                return
            }
            task.targetState = "accumulate-buffer"
            task.sourceState = "send-bulk-and-stream"
        }
        switch task.script {
        case .complete(let after) where task.polls >= after:
            task.targetState = "completed"
            task.sourceState = "completed"
            task.ended = Self.now()
            task.sourceEnded = task.ended
            for range in task.slots { for slot in range { owners[slot] = task.target } }
        case .fail(let after, let error) where task.polls >= after:
            fail(
                task, error,
                source: "Main and RDB channel clients are disconnected. (state: send-bulk-and-stream, "
                    + "rdb_channel_state: rdbchannel-transfer)")
        default:
            break
        }
    }

    private func fail(_ task: Task, _ error: String, source: String?) {
        task.targetState = "failed"
        task.targetError = error
        task.failedAtPoll = task.polls
        if let source, task.sourceState != nil {
            task.sourceState = "failed"
            task.sourceError = source
        }
    }

    /// `CANCEL` of `task` on node `node`: true when there was something to cancel there.
    private func cancel(_ task: Task, on node: Int) -> Bool {
        if task.target == node {
            guard !["completed", "canceled"].contains(task.targetState) else { return false }
            cancelOnTarget(task, reason: "user request")
            return true
        }
        guard let state = task.sourceState, !["completed", "canceled"].contains(state) else { return false }
        task.sourceError = "Cancelled due to user request (state: \(state), rdb_channel_state: none)"
        task.sourceState = "canceled"
        task.sourceEnded = Self.now()
        // The destination loses its source and fails, then retries (Redis's documented caveat).
        if !["completed", "canceled", "failed"].contains(task.targetState) {
            fail(task, "Main channel - Connection is closed (state: \(task.targetState))", source: nil)
        }
        return true
    }

    private func cancelOnTarget(_ task: Task, reason: String) {
        task.targetError =
            "Cancelled due to \(reason) (state: \(task.targetState), rdb_channel_state: none)"
        task.targetState = "canceled"
        task.ended = Self.now()
        if let state = task.sourceState, !["completed", "canceled", "failed"].contains(state) {
            task.sourceState = "failed"
            task.sourceError =
                "Main and RDB channel clients are disconnected. (state: \(state), rdb_channel_state: none)"
        }
    }

    /// One task as node `node` reports it (`replyTaskStatus`).
    private func entry(_ task: Task, on node: Int) -> RESPValue {
        let onTarget = task.target == node
        let state = onTarget ? task.targetState : (task.sourceState ?? "none")
        let fields: [(String, RESPValue)] = [
            ("id", Self.bulk(task.id)),
            ("slots", Self.bulk(task.slots.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: " "))),
            ("source", Self.bulk(nodes[task.source].id)), ("dest", Self.bulk(nodes[task.target].id)),
            ("operation", Self.bulk(onTarget ? "import" : "migrate")), ("state", Self.bulk(state)),
            ("last_error", Self.bulk(onTarget ? task.targetError : task.sourceError)),
            ("retries", .integer(Int64(task.retries))), ("create_time", .integer(task.created)),
            ("start_time", .integer(task.started)),
            ("end_time", .integer(onTarget ? task.ended : task.sourceEnded)),
            ("write_pause_ms", .integer(!onTarget && state == "completed" ? 3 : 0)),
        ]
        return .map(fields.flatMap { [Self.bulk($0.0), $0.1] })
    }
}
