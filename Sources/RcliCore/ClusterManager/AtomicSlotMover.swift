import RESP
import RedisNet

/// Slots moved by the servers themselves (atomic slot migration): one job per source→target pair
/// holding all of the pair's ranges, every database at once, no slot ever open, one cut-over.
/// Pairs run side by side, at most one job per source at a time (so cancelling a source's jobs
/// cancels only ours), followed every 100 ms (`GETSLOTMIGRATIONS` on the source for Valkey,
/// `MIGRATION STATUS ID` on both ends for Redis). A job that stops making progress for the
/// stall time is cancelled and counts as failed; a failed job is started again only when
/// `--cluster-retries` asks. Ctrl-C: the first press cancels the running jobs and waits until
/// each has ended (the sources keep every slot whose job did not finish, so no key is lost); a
/// second press leaves at once.
final class AtomicSlotMover {
    /// One source→target pair and the slots it moves.
    struct Pair {
        let source: ManagerNode
        let target: ManagerNode
        var slots: [Int]
        var ranges: [ClosedRange<Int>] { ManagerNode.ranges(slots) }
        var text: String {
            "\(SlotMigrationJob.text(ranges)) from \(ManagerAddress.text(source.address)) to "
                + ManagerAddress.text(target.address)
        }
    }

    enum Outcome {
        case moved
        /// A job failed (its retries spent) or could not start: the rest was not started.
        case failed(String, moved: [Int], notMoved: [Int])
        /// Ctrl-C: `running` names the jobs a second press left running.
        case interrupted(moved: [Int], notMoved: [Int], running: [String])
        /// The server does not know the command (auto mode falls back before anything moved).
        case unsupported(String)
    }

    let cluster: ManagedCluster
    let dialect: AtomicDialect
    let progress: AtomicMoveProgress
    /// `--cluster-retries`.
    var retries = 0
    /// A job whose state and update time stay the same this long is cancelled (`--cluster-timeout`).
    var stallSeconds = 60.0
    var pollSeconds = 0.1

    init(cluster: ManagedCluster, dialect: AtomicDialect, progress: AtomicMoveProgress) {
        self.cluster = cluster
        self.dialect = dialect
        self.progress = progress
    }

    /// A job started and followed.
    private struct Running {
        var pair: Pair
        let id: String
        var state = ""
        var updated: Int?
        var acked: Int?
        var lastChange: Double
        var attempt: Int
        var cancelled = false
        /// Why rcli cancelled the job itself (it failed on Redis, or made no progress), said
        /// instead of the cancelled job's own message.
        var reason: String?
    }

    /// The nodes a running job keeps from starting another: its source (Valkey: one export per
    /// source, so cancelling a source's jobs cancels only ours); both ends on Redis, whose nodes
    /// run one task at a time, importing or migrating (a second IMPORT is refused).
    private func nodes(of pair: Pair) -> [String] {
        dialect == .redis ? [pair.source.id, pair.target.id] : [pair.source.id]
    }

    /// The pairs of `moves`, in first-seen order.
    static func pairs(_ moves: [SlotMove]) -> [Pair] {
        var pairs: [Pair] = []
        var index: [String: Int] = [:]
        for move in moves {
            let key = move.source.id + ">" + move.target.id
            if let i = index[key] {
                pairs[i].slots.append(move.slot)
            } else {
                index[key] = pairs.count
                pairs.append(Pair(source: move.source, target: move.target, slots: [move.slot]))
            }
        }
        return pairs
    }

    func run(_ moves: [SlotMove]) -> Outcome {
        let queue = Self.pairs(moves)
        var attempts: [Int] = Array(repeating: 0, count: queue.count)
        var queued = Array(queue.indices)
        var running: [Int: Running] = [:]
        var moved: [Int] = []
        var failure: String?
        var presses = 0
        _ = InterruptSignal.install()
        progress.begin(pairs: queue.map { ($0.text, $0.slots.count) })
        while true {
            if InterruptSignal.takePending() {
                presses += 1
                if presses == 1 {
                    progress.note(
                        "*** Ctrl-C: cancelling \(running.count) running job(s) and waiting for them to end "
                            + "(Ctrl-C again leaves at once)")
                    for key in running.keys { cancel(&running[key]) }
                    queued = []
                } else {
                    let names = running.values.map { "\($0.id) (\($0.pair.text), \($0.state))" }
                    let notMoved = queue.indices.filter { !movedPairs(moved, queue[$0]) }.flatMap { queue[$0].slots }
                    return .interrupted(moved: moved, notMoved: notMoved, running: names)
                }
            }
            // Start what may start: one job per source (per node on Redis), nothing new after a
            // failure or Ctrl-C.
            if failure == nil && presses == 0 {
                var busy = Set(running.values.flatMap { nodes(of: $0.pair) })
                var next: [Int] = []
                for i in queued {
                    guard busy.isDisjoint(with: nodes(of: queue[i])) else {
                        next.append(i)
                        continue
                    }
                    attempts[i] += 1
                    switch start(queue[i]) {
                    case .success(let id):
                        running[i] = Running(
                            pair: queue[i], id: id, lastChange: monotonicSeconds(), attempt: attempts[i])
                        busy.formUnion(nodes(of: queue[i]))
                        progress.started(i, id: id)
                    case .failure(let error):
                        let why = error.text
                        if moved.isEmpty && running.isEmpty && Self.isUnknownCommand(why) {
                            return .unsupported(why)
                        }
                        failure = "could not start moving \(queue[i].text): \(why)"
                    }
                    if failure != nil { break }
                }
                queued = failure == nil ? next : []
            }
            if running.isEmpty && queued.isEmpty { break }
            if !running.isEmpty {
                System.sleep(seconds: pollSeconds)
                progress.tick()
            }
            // Follow the running jobs.
            let states = poll(Array(running.values))
            for key in Array(running.keys) {
                guard var job = running[key] else { continue }
                let seen = states[job.id]
                if let seen {
                    if seen.state != job.state || seen.updated != job.updated || seen.acked != job.acked {
                        job.state = seen.state
                        job.updated = seen.updated
                        job.acked = seen.acked
                        job.lastChange = monotonicSeconds()
                        progress.state(key, seen.state)
                    }
                    if dialect == .redis && seen.outcome == .failed && !job.cancelled {
                        // Redis starts a failed import again by itself, for ever: cancel it on both
                        // ends (nothing keeps running) and let it end, cancelled (or completed, had
                        // it got there first), before saying so or starting it again.
                        job.reason = seen.message.isEmpty ? seen.state : seen.message
                        cancel(&job)
                        job.lastChange = monotonicSeconds()
                        running[key] = job
                        continue
                    }
                }
                switch seen?.outcome {
                case .succeeded?:
                    moved += job.pair.slots
                    running[key] = nil
                    progress.finished(key)
                    continue
                case .failed?, .cancelled?:
                    running[key] = nil
                    let told = seen?.message.isEmpty == false ? seen?.message ?? "" : seen?.state ?? ""
                    let why =
                        job.reason ?? (seen?.outcome == .cancelled && !job.cancelled ? "cancelled on the node" : told)
                    if job.cancelled && presses > 0 {
                        progress.ended(key, "cancelled")
                    } else if attempts[key] <= retries && failure == nil && presses == 0 {
                        progress.note(
                            "*** Atomic slot migration of \(job.pair.text) failed: \(why); starting it again "
                                + "(\(attempts[key]) of \(retries) retries)")
                        queued.append(key)
                    } else {
                        progress.ended(key, "failed")
                        failure = failure ?? "atomic slot migration of \(job.pair.text) failed: \(why)"
                    }
                    continue
                case .running?, nil:
                    break
                }
                if !job.cancelled && monotonicSeconds() - job.lastChange > stallSeconds {
                    progress.note(
                        "*** No progress for \(Int(stallSeconds)) s on \(job.pair.text) (state "
                            + "\(job.state.isEmpty ? "unknown" : job.state)): cancelling it")
                    cancel(&job)
                    job.reason = "no progress for \(Int(stallSeconds)) s, cancelled"
                    job.lastChange = monotonicSeconds()
                } else if job.cancelled && monotonicSeconds() - job.lastChange > stallSeconds {
                    // Cancelled and still not ended: give up waiting on it.
                    running[key] = nil
                    progress.ended(key, "unknown")
                    failure = failure ?? "atomic slot migration of \(job.pair.text) did not end after cancelling it"
                    continue
                }
                running[key] = job
            }
            // A failure: the others are let finish (they move whole slots), nothing new starts.
            if failure != nil { queued = [] }
        }
        progress.finish()
        let notMoved = queue.indices.filter { !movedPairs(moved, queue[$0]) }.flatMap { queue[$0].slots }
        if presses > 0 { return .interrupted(moved: moved, notMoved: notMoved, running: []) }
        if let failure { return .failed(failure, moved: moved, notMoved: notMoved) }
        return .moved
    }

    /// True when `pair`'s job succeeded (a job moves all of its slots or none).
    private func movedPairs(_ moved: [Int], _ pair: Pair) -> Bool {
        guard let first = pair.slots.first else { return true }
        return moved.contains(first)
    }

    static func isUnknownCommand(_ error: String) -> Bool {
        let lower = error.lowercased()
        return lower.contains("unknown subcommand") || lower.contains("unknown command")
    }

    /// Starts `pair`'s job; its id, or the node's refusal.
    private func start(_ pair: Pair) -> Result<String, StartError> {
        let words = pair.ranges.flatMap { ["\($0.lowerBound)", "\($0.upperBound)"] }
        switch dialect {
        case .valkey:
            // The jobs before and after, in the same round trip: the new one is ours.
            let list = ["CLUSTER", "GETSLOTMIGRATIONS"]
            let replies = cluster.pipeline(
                pair.source,
                [list, ["CLUSTER", "MIGRATESLOTS", "SLOTSRANGE"] + words + ["NODE", pair.target.id], list],
                seconds: 10)
            guard replies.count == 3 else { return .failure(StartError(text: "the connection was lost")) }
            if case .error(let e) = replies[1] { return .failure(StartError(text: String(decoding: e, as: UTF8.self))) }
            let before = Set((SlotMigrationJob.list(replies[0]) ?? []).map(\.id))
            let after = SlotMigrationJob.list(replies[2]) ?? []
            guard
                let job = after.first(where: {
                    !before.contains($0.id) && $0.isExport && $0.target == pair.target.id && $0.slots == pair.ranges
                }) ?? after.first(where: { !before.contains($0.id) && $0.target == pair.target.id })
            else { return .failure(StartError(text: "the job does not appear in CLUSTER GETSLOTMIGRATIONS")) }
            return .success(job.id)
        case .redis:
            let reply = cluster.call(pair.target, ["CLUSTER", "MIGRATION", "IMPORT"] + words, seconds: 10)
            if case .error(let e) = reply { return .failure(StartError(text: String(decoding: e, as: UTF8.self))) }
            guard let id = reply.text, !id.isEmpty else {
                return .failure(StartError(text: "CLUSTER MIGRATION IMPORT gave no task id"))
            }
            return .success(id)
        }
    }

    struct StartError: Error {
        let text: String
    }

    /// The jobs' states as the nodes say now, by job id (a job a node does not answer for is absent).
    private func poll(_ jobs: [Running]) -> [String: SlotMigrationJob] {
        guard !jobs.isEmpty else { return [:] }
        var found: [String: SlotMigrationJob] = [:]
        switch dialect {
        case .valkey:
            var sources: [ManagerNode] = []
            for job in jobs where !sources.contains(where: { $0.id == job.pair.source.id }) {
                sources.append(job.pair.source)
            }
            let replies = cluster.pipelineMany(
                sources.map { ($0, [["CLUSTER", "GETSLOTMIGRATIONS"].map { Array($0.utf8) }]) }, seconds: 5)
            for reply in replies {
                for job in reply.first.flatMap(SlotMigrationJob.list) ?? [] where found[job.id] == nil {
                    found[job.id] = job
                }
            }
        case .redis:
            // Both ends (`STATUS ID` answers an array of the one task, empty when unknown).
            var work: [(node: ManagerNode, commands: [[[UInt8]]])] = []
            for job in jobs {
                let status = ["CLUSTER", "MIGRATION", "STATUS", "ID", job.id].map { Array($0.utf8) }
                work.append((job.pair.target, [status]))
                work.append((job.pair.source, [status]))
            }
            let replies = cluster.pipelineMany(work, seconds: 5)
            for (i, job) in jobs.enumerated() {
                func task(_ at: Int) -> SlotMigrationJob? {
                    guard at < replies.count else { return nil }
                    return replies[at].first.flatMap(SlotMigrationJob.list)?.first { $0.id == job.id }
                }
                if let seen = Self.redisTask(onTarget: task(2 * i), onSource: task(2 * i + 1)) {
                    found[job.id] = seen
                }
            }
        }
        return found
    }

    /// A Redis task as both ends tell it: succeeded once the target says `completed` and the
    /// source has stopped too (its migrate side ends right after; the next task from that node
    /// would be refused before); failed when either end says `failed` (a transient state on
    /// Redis, which retries by itself); cancelled when either end says `canceled`; otherwise
    /// running, in the target's state with the source's beside it (`accumulate-buffer / source
    /// send-bulk-and-stream`: either changing is progress). Nil when the target does not know
    /// the task.
    static func redisTask(onTarget: SlotMigrationJob?, onSource: SlotMigrationJob?) -> SlotMigrationJob? {
        guard var task = onTarget else { return nil }
        let source = onSource
        switch (task.outcome, source?.outcome) {
        case (.succeeded, .running?):
            task.state = "completed / source \(source?.state ?? "")"
            return task
        case (.succeeded, _), (.cancelled, _), (.failed, _):
            return task
        case (.running, .failed?), (.running, .cancelled?):
            return source
        case (.running, _):
            if let source, source.state != task.state { task.state += " / source \(source.state)" }
            return task
        }
    }

    /// Cancels `job` where its server wants it cancelled: on the source (Valkey; it cancels that
    /// node's exports, and we run one per source), on both ends (Redis).
    private func cancel(_ job: inout Running?) {
        guard var j = job else { return }
        cancel(&j)
        job = j
    }

    private func cancel(_ job: inout Running) {
        job.cancelled = true
        switch dialect {
        case .valkey:
            _ = cluster.call(job.pair.source, ["CLUSTER", "CANCELSLOTMIGRATIONS"], seconds: 5)
        case .redis:
            let words = ["CLUSTER", "MIGRATION", "CANCEL", "ID", job.id].map { Array($0.utf8) }
            _ = cluster.pipelineMany([(job.pair.target, [words]), (job.pair.source, [words])], seconds: 5)
        }
    }
}
