import RESP
import RedisNet

/// What `AtomicSlotMover` says to the servers: start a job, read the jobs, cancel one, who owns
/// the slots. Valkey and Redis each in their words.
extension AtomicSlotMover {
    struct StartError: Error {
        let text: String
    }

    /// The nodes a running job keeps from starting another: its source (Valkey: one export per
    /// source); both ends on Redis, whose nodes run one task at a time, importing or migrating.
    func nodes(of pair: Pair) -> [String] {
        dialect == .redis ? [pair.source.id, pair.target.id] : [pair.source.id]
    }

    /// Every node of the plan asked for the jobs it runs: one running already (someone else's,
    /// or one left by an earlier run) is said, and nothing starts. Nil when none runs.
    func busyNode(_ pairs: [Pair]) -> String? {
        var nodes: [ManagerNode] = []
        for pair in pairs {
            for node in [pair.source, pair.target] where !nodes.contains(where: { $0.id == node.id }) {
                nodes.append(node)
            }
        }
        let replies = cluster.pipelineMany(nodes.map { ($0, [listCommand]) }, seconds: 10)
        for (node, reply) in zip(nodes, replies) {
            for job in reply.first.flatMap(SlotMigrationJob.list) ?? [] where Self.isActive(job, dialect) {
                let name = cluster.nodeName
                return "\(ManagerAddress.text(node.address)) already runs an atomic slot migration (job \(job.id): "
                    + "slots \(SlotMigrationJob.text(job.slots)) from \(name(job.source)) to \(name(job.target)), "
                    + "state \(job.state)); wait for it to end or cancel it. Nothing was moved"
            }
        }
        return nil
    }

    /// Still running: not ended, or (Redis) failed and about to be started again by the target
    /// (no end time yet).
    static func isActive(_ job: SlotMigrationJob, _ dialect: AtomicDialect?) -> Bool {
        job.outcome == .running || (dialect == .redis && job.outcome == .failed && job.updated == nil)
    }

    private var listCommand: [[UInt8]] {
        (dialect == .valkey ? ["CLUSTER", "GETSLOTMIGRATIONS"] : ["CLUSTER", "MIGRATION", "STATUS", "ALL"]).map {
            Array($0.utf8)
        }
    }

    /// Starts `pair`'s job; its id, or the node's refusal. A reply lost after the command was
    /// sent: the node is asked again (a fresh connection) and a new job of this pair is adopted.
    func start(_ pair: Pair) -> Result<String, StartError> {
        let words = pair.ranges.flatMap { ["\($0.lowerBound)", "\($0.upperBound)"] }
        let node = dialect == .valkey ? pair.source : pair.target
        let before = Set((SlotMigrationJob.list(cluster.callBytes(node, listCommand, seconds: 10)) ?? []).map(\.id))
        let command =
            dialect == .valkey
            ? ["CLUSTER", "MIGRATESLOTS", "SLOTSRANGE"] + words + ["NODE", pair.target.id]
            : ["CLUSTER", "MIGRATION", "IMPORT"] + words
        let reply = cluster.call(node, command, seconds: 10)
        if case .error(let e) = reply {
            let text = String(decoding: e, as: UTF8.self)
            // A refusal is the node's word; a lost connection or a timeout may hide a job started.
            guard text.lowercased().hasPrefix("err") == false, let id = adopt(pair, on: node, before: before) else {
                return .failure(StartError(text: text))
            }
            return .success(id)
        }
        if dialect == .redis {
            guard let id = reply.text, !id.isEmpty else {
                return .failure(StartError(text: "CLUSTER MIGRATION IMPORT gave no task id"))
            }
            return .success(id)
        }
        guard let id = adopt(pair, on: node, before: before) else {
            return .failure(StartError(text: "the job does not appear in CLUSTER GETSLOTMIGRATIONS"))
        }
        return .success(id)
    }

    /// The id of a job of `pair` on `node` that is not among `before`.
    private func adopt(_ pair: Pair, on node: ManagerNode, before: Set<String>) -> String? {
        let after = SlotMigrationJob.list(cluster.callBytes(node, listCommand, seconds: 10)) ?? []
        let fresh = after.filter { !before.contains($0.id) && $0.target == pair.target.id }
        return (fresh.first { $0.slots == pair.ranges } ?? fresh.first)?.id
    }

    /// The jobs as the nodes tell them now, by id (a job no node answers for is absent). Short
    /// waits: a node that does not answer holds Ctrl-C up two seconds at most.
    func poll(_ jobs: [Running]) -> [String: Sighting] {
        guard !jobs.isEmpty else { return [:] }
        var found: [String: Sighting] = [:]
        switch dialect {
        case .valkey:
            var sources: [ManagerNode] = []
            for job in jobs where !sources.contains(where: { $0.id == job.pair.source.id }) {
                sources.append(job.pair.source)
            }
            let replies = cluster.pipelineMany(sources.map { ($0, [listCommand]) }, seconds: 2)
            for reply in replies {
                for job in reply.first.flatMap(SlotMigrationJob.list) ?? [] where found[job.id] == nil {
                    found[job.id] = Sighting(job: job, final: job.outcome != .running)
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
            let replies = cluster.pipelineMany(work, seconds: 2)
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

    /// A Redis task as both ends tell it: ended for good once the target says `completed` and
    /// the source has stopped too (the next task from that node would be refused before), or the
    /// target says `canceled`; a target's `failed` (which it retries by itself) or an end's
    /// failure or cancel while the target runs are told (for rcli to cancel both ends) but not
    /// final; otherwise running, in the target's state with the source's beside it
    /// (`accumulate-buffer / source send-bulk-and-stream`: either changing is progress). Nil
    /// when the target does not know the task.
    static func redisTask(onTarget: SlotMigrationJob?, onSource: SlotMigrationJob?) -> Sighting? {
        guard var task = onTarget else { return nil }
        let source = onSource
        switch (task.outcome, source?.outcome) {
        case (.succeeded, .running?):
            // (The combined state reads as running.)
            task.state = "completed / source \(source?.state ?? "")"
            return Sighting(job: task, final: false)
        case (.succeeded, _), (.cancelled, _):
            return Sighting(job: task, final: true)
        case (.failed, _):
            return Sighting(job: task, final: false)
        case (.running, .failed?), (.running, .cancelled?):
            return Sighting(job: source ?? task, final: false)
        case (.running, _):
            if let source, source.state != task.state { task.state += " / source \(source.state)" }
            return Sighting(job: task, final: false)
        }
    }

    /// Cancels `job` where its server wants it cancelled: on the source for Valkey (which
    /// cancels every export of that node: not done, and said, when the node runs someone
    /// else's too), on both ends for Redis. The reason it was not cancelled, else nil.
    func cancel(_ job: Running) -> String? {
        switch dialect {
        case .valkey:
            let listed = SlotMigrationJob.list(cluster.callBytes(job.pair.source, listCommand, seconds: 2)) ?? []
            if let other = listed.first(where: { $0.id != job.id && $0.isExport && $0.outcome == .running }) {
                return "\(ManagerAddress.text(job.pair.source.address)) also runs job \(other.id) (slots "
                    + "\(SlotMigrationJob.text(other.slots))), which CLUSTER CANCELSLOTMIGRATIONS would cancel too; "
                    + "waiting for ours to end"
            }
            _ = cluster.call(job.pair.source, ["CLUSTER", "CANCELSLOTMIGRATIONS"], seconds: 2)
        case .redis:
            let words = ["CLUSTER", "MIGRATION", "CANCEL", "ID", job.id].map { Array($0.utf8) }
            _ = cluster.pipelineMany([(job.pair.target, [words]), (job.pair.source, [words])], seconds: 2)
        }
        return nil
    }

    /// True when the target's own view says it owns every slot of `pair`.
    func targetOwns(_ pair: Pair) -> Bool {
        let reply = cluster.call(pair.target, ["CLUSTER", "NODES"], seconds: 5)
        guard let line = NodesView(reply: reply)?.ownLineBytes, let own = ManagerNode.parse(line) else { return false }
        return pair.slots.allSatisfy { slot in own.slots.contains { $0.contains(slot) } }
    }
}
