import RESP
import RedisNet

/// Slots moved by the servers themselves (atomic slot migration): one job per source→target pair
/// holding all of the pair's ranges, every database at once, no slot ever open, one cut-over.
/// Pairs run side by side, at most one job per source at a time (per node on Redis, whose nodes
/// run one task at a time), followed every 100 ms (`GETSLOTMIGRATIONS` on the source for Valkey,
/// `MIGRATION STATUS ID` on both ends for Redis). Nothing starts while a node of the plan already
/// runs a job (someone else's: a cancel would hit it too). A job without progress for the stall
/// time is cancelled and counts as failed; a failed job is started again only when
/// `--cluster-retries` asks. Ctrl-C: the first press cancels the running jobs and waits (30 s at
/// most) until each has ended; a second press leaves at once. A job is never cancelled during its
/// cut-over (Valkey's failover-paused/-granted), and a job that did not end in success is judged
/// by who owns its slots afterwards: the target may have taken them at the cut-over. Slots of a
/// job whose end rcli could not see are "in flight", never "not moved".
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

    /// Which slots ended where.
    struct Tally {
        var moved: [Int] = []
        var notMoved: [Int] = []
        /// Slots of jobs rcli stopped following before they ended: they may still move.
        var inFlight: [Int] = []
    }

    enum Outcome {
        case moved
        /// A job failed (its retries spent) or could not start: nothing new was started.
        case failed(String, Tally)
        /// Ctrl-C: `running` names the jobs a second press left running; `failure` a failure
        /// seen before or meanwhile.
        case interrupted(Tally, running: [String], failure: String?)
        /// The server does not know the command (auto mode falls back before anything moved).
        case unsupported(String)
    }

    let cluster: ManagedCluster
    let dialect: AtomicDialect
    let progress: AtomicMoveProgress
    /// `--cluster-retries`.
    var retries = 0
    /// A job whose state and times stay the same this long is cancelled (`--cluster-timeout`).
    var stallSeconds = 60.0
    var pollSeconds = 0.1
    /// How long a cancelled job is waited for before its slots are told as in flight.
    var cancelWaitSeconds = 30.0

    init(cluster: ManagedCluster, dialect: AtomicDialect, progress: AtomicMoveProgress) {
        self.cluster = cluster
        self.dialect = dialect
        self.progress = progress
    }

    /// A job started and followed.
    struct Running {
        var pair: Pair
        let id: String
        var state = ""
        var updated: Int?
        var acked: Int?
        var lastChange: Double
        /// Cancel it as soon as that is safe (not during its cut-over).
        var wantCancel = false
        /// When the cancel was sent.
        var cancelledAt: Double?
        /// Why rcli cancelled it (no progress; a failure Redis would retry for ever), said
        /// instead of the node's word.
        var reason: String?
    }

    /// A job as the nodes tell it now: `final` once it has ended for good (a Redis `failed` is
    /// not: the target starts it again by itself).
    struct Sighting {
        let job: SlotMigrationJob
        let final: Bool
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
        if let busy = busyNode(queue) {
            return .failed(busy, Tally(notMoved: queue.flatMap(\.slots)))
        }
        var attempts = Array(repeating: 0, count: queue.count)
        var queued = Array(queue.indices)
        var running: [Int: Running] = [:]
        var tally = Tally()
        var failure: String?
        var presses = 0
        _ = InterruptSignal.install()
        progress.begin(pairs: queue.map { ($0.text, $0.slots.count) })
        func unfinished() -> Tally {
            var t = tally
            for job in running.values { t.inFlight += job.pair.slots }
            for i in queued { t.notMoved += queue[i].slots }
            return t
        }
        while true {
            let pressed = InterruptSignal.takeCount()
            if pressed > 0 {
                if presses == 0 {
                    progress.note(
                        "*** Ctrl-C: cancelling \(running.count) running job(s) and waiting for them to end "
                            + "(Ctrl-C again leaves at once)")
                    for key in running.keys { running[key]?.wantCancel = true }
                }
                presses += pressed
                if presses >= 2 {
                    progress.finish()
                    let names = running.values.map { "\($0.id) (\($0.pair.text), \($0.state))" }
                    return .interrupted(unfinished(), running: names, failure: failure)
                }
            }
            // Start what may start, nothing new after a failure or Ctrl-C.
            if failure == nil && presses == 0 {
                var busy = Set(running.values.flatMap { nodes(of: $0.pair) })
                var next: [Int] = []
                for i in queued {
                    guard failure == nil, busy.isDisjoint(with: nodes(of: queue[i])) else {
                        next.append(i)
                        continue
                    }
                    attempts[i] += 1
                    switch start(queue[i]) {
                    case .success(let id):
                        running[i] = Running(pair: queue[i], id: id, lastChange: monotonicSeconds())
                        busy.formUnion(nodes(of: queue[i]))
                        progress.started(i, id: id)
                    case .failure(let error):
                        if tally.moved.isEmpty && running.isEmpty && Self.isUnknownCommand(error.text) {
                            return .unsupported(error.text)
                        }
                        failure = "could not start moving \(queue[i].text): \(error.text)"
                        next.append(i)
                    }
                }
                queued = next
            }
            if failure != nil || presses > 0 {
                for i in queued { tally.notMoved += queue[i].slots }
                queued = []
            }
            if running.isEmpty && queued.isEmpty { break }
            System.sleep(seconds: pollSeconds)
            progress.tick()
            let seen = poll(Array(running.values))
            for key in Array(running.keys) {
                guard var job = running[key] else { continue }
                let now = monotonicSeconds()
                if let sighting = seen[job.id] {
                    let s = sighting.job
                    if s.state != job.state || s.updated != job.updated || s.acked != job.acked {
                        (job.state, job.updated, job.acked, job.lastChange) = (s.state, s.updated, s.acked, now)
                        progress.state(key, s.state)
                    }
                    if sighting.final {
                        running[key] = nil
                        let ended = end(job, sighting: s)
                        switch ended {
                        case .moved:
                            tally.moved += job.pair.slots
                            progress.finished(key)
                        case .notMoved(let why):
                            if job.cancelledAt != nil && presses > 0 {
                                progress.ended(key, "cancelled")
                                tally.notMoved += job.pair.slots
                            } else if attempts[key] <= retries && failure == nil && presses == 0 {
                                progress.note(
                                    "*** Atomic slot migration of \(job.pair.text) failed: \(why); starting it "
                                        + "again (\(attempts[key]) of \(retries) retries)")
                                queued.append(key)
                            } else {
                                progress.ended(key, "failed")
                                tally.notMoved += job.pair.slots
                                failure = failure ?? "atomic slot migration of \(job.pair.text) failed: \(why)"
                            }
                        }
                        continue
                    }
                    if s.outcome == .failed || s.outcome == .cancelled, job.cancelledAt == nil {
                        // Redis: a failure the target would retry for ever, or one end cancelled:
                        // cancelled on both ends, then waited for.
                        job.reason = job.reason ?? (s.message.isEmpty ? s.state : s.message)
                        job.wantCancel = true
                    }
                }
                if job.cancelledAt == nil && !job.wantCancel && now - job.lastChange > stallSeconds {
                    progress.note(
                        "*** No progress for \(Int(stallSeconds)) s on \(job.pair.text) (state "
                            + "\(job.state.isEmpty ? "unknown" : job.state)): cancelling it")
                    job.reason = "no progress for \(Int(stallSeconds)) s, cancelled"
                    job.wantCancel = true
                }
                if job.wantCancel && job.cancelledAt == nil && !Self.inCutOver(job.state) {
                    if let other = cancel(job) {
                        progress.note("*** Not cancelling \(job.pair.text): " + other)
                    }
                    job.cancelledAt = now
                    job.lastChange = now
                }
                if let at = job.cancelledAt, now - at > cancelWaitSeconds {
                    // Cancelled and still not seen ending: its slots may yet move.
                    running[key] = nil
                    progress.ended(key, "still running")
                    tally.inFlight += job.pair.slots
                    failure =
                        failure
                        ?? "atomic slot migration of \(job.pair.text) (job \(job.id)) did not end within "
                        + "\(Int(cancelWaitSeconds)) s of cancelling it"
                    continue
                }
                running[key] = job
            }
        }
        progress.finish()
        if presses > 0 { return .interrupted(tally, running: [], failure: failure) }
        if let failure { return .failed(failure, tally) }
        return .moved
    }

    enum Ending {
        case moved
        case notMoved(String)
    }

    /// How a job that ended for good left its slots: success, or (whatever the job says) the
    /// target owning them all now, is moved.
    private func end(_ job: Running, sighting: SlotMigrationJob) -> Ending {
        if sighting.outcome == .succeeded { return .moved }
        if targetOwns(job.pair) { return .moved }
        let told = sighting.message.isEmpty ? sighting.state : sighting.message
        let why =
            job.reason ?? (sighting.outcome == .cancelled && job.cancelledAt == nil ? "cancelled on the node" : told)
        return .notMoved(why)
    }

    /// Valkey's cut-over: cancelling now could leave both sides claiming the slots.
    static func inCutOver(_ state: String) -> Bool {
        ["failover-paused", "failover-granted", "handoff", "handoff-prep", "takeover"].contains {
            state.lowercased().hasPrefix($0)
        }
    }

    static func isUnknownCommand(_ error: String) -> Bool {
        let lower = error.lowercased()
        return lower.contains("unknown subcommand") || lower.contains("unknown command")
    }
}
