import RESP

/// Choosing between atomic slot migration and key-by-key moves, and running the atomic one for
/// reshard and rebalance.
extension ManagedCluster {
    /// How a plan's slots move.
    enum MoveMethod: Equatable {
        case atomic(AtomicDialect)
        case keyByKey
        /// `--cluster-use-atomic-slot-migration` and a node that cannot (said already).
        case refused
    }

    /// `INFO server` of `nodes`, asked once per run, all at once (an unanswered node gives "").
    func serverInfo(of nodes: [ManagerNode]) -> [String: String] {
        let missing = nodes.filter { serverInfos[$0.id] == nil }
        if !missing.isEmpty {
            let replies = pipelineMany(missing.map { ($0, [["INFO", "server"].map { Array($0.utf8) }]) }, seconds: 10)
            for (node, reply) in zip(missing, replies) { serverInfos[node.id] = reply.first?.text ?? "" }
        }
        var out: [String: String] = [:]
        for node in nodes { out[node.id] = serverInfos[node.id] ?? "" }
        return out
    }

    /// Atomic when every node of the plan can and the request allows it; key by key otherwise.
    /// With `.always`, a node that cannot is named and nothing moves.
    func moveMethod(for nodes: [ManagerNode], request: ClusterManagerRequest) -> MoveMethod {
        if request.atomic == .never { return .keyByKey }
        let infos = serverInfo(of: nodes)
        var dialects: [AtomicDialect?] = []
        var lacking: [String] = []
        for node in nodes {
            let text = infos[node.id] ?? ""
            let dialect = AtomicDialect.of(infoServer: text)
            dialects.append(dialect)
            if dialect == nil {
                let name = text.isEmpty ? "did not answer INFO server" : AtomicDialect.serverName(infoServer: text)
                lacking.append("\(ManagerAddress.text(node.address)) (\(name))")
            }
        }
        let kinds = Set(dialects.compactMap { $0 })
        if lacking.isEmpty, kinds.count == 1, let dialect = kinds.first { return .atomic(dialect) }
        if request.atomic == .always {
            let why =
                lacking.isEmpty
                ? "the nodes mix Valkey's and Redis's atomic slot migration"
                : "\(lacking.joined(separator: ", ")) cannot move slots atomically (it needs Valkey 9.0 or Redis 8.4)"
            log.err("*** --cluster-use-atomic-slot-migration: \(why); nothing was moved.")
            return .refused
        }
        return .keyByKey
    }

    /// Moves `moves` by atomic slot migration, saying so first; nil when every slot moved, else
    /// the exit status after saying what moved, what did not and how to go on (`resume`: the
    /// command line that moves the rest). `.unsupported` (a node refused the command before
    /// anything moved) gives `nil` through `fallback`, which moves them key by key.
    func moveAtomically(
        _ moves: [SlotMove], dialect: AtomicDialect, request: ClusterManagerRequest, resume: ([Int]) -> String,
        fallback: () -> Int32?
    ) -> Int32? {
        let nodes = Set(moves.flatMap { [$0.source.id, $0.target.id] })
        let versions = Set(nodes.compactMap { serverInfos[$0].map(AtomicDialect.serverName(infoServer:)) })
        log.info(
            ">>> Moving \(moves.count) slots by atomic slot migration (\(dialect.command); "
                + versions.sorted().joined(separator: ", ")
                + "): every database at once, no slot opened, no key moved by hand")
        let progress = AtomicMoveProgress(log: log)
        let mover = AtomicSlotMover(cluster: self, dialect: dialect, progress: progress)
        mover.retries = request.retries
        // A job without progress for --cluster-timeout is cancelled. Valkey's acknowledgements
        // come every second during a long snapshot, so no less than 10 s there; Redis's task
        // status has no progress counter, only states that may last through a long snapshot: an
        // hour unless the timeout is given (redis-cli's wait).
        let given = Double(request.timeout) / 1000
        mover.stallSeconds = dialect == .redis ? (request.timeoutGiven ? max(given, 1) : 3600) : max(given, 10)
        switch mover.run(moves) {
        case .moved:
            return nil
        case .unsupported(let why):
            if request.atomic == .always {
                log.err("*** Atomic slot migration refused: \(why); nothing was moved.")
                return 1
            }
            log.warn("*** Atomic slot migration refused (\(why)): moving the keys instead.")
            return fallback()
        case .failed(let why, let tally):
            log.err("*** " + why)
            report(tally, resume: resume)
            return 1
        case .interrupted(let tally, let running, let failure):
            if let failure { log.err("*** " + failure) }
            if running.isEmpty {
                log.warn("*** Interrupted: every job started has ended; no slot is left open.")
            } else {
                log.err(
                    "*** Interrupted again: left running on the servers: " + running.joined(separator: "; ")
                        + ". Follow them with CLUSTER GETSLOTMIGRATIONS (Valkey) or CLUSTER MIGRATION STATUS "
                        + "(Redis); each moves all its slots or none.")
            }
            report(tally, resume: resume)
            return 130
        }
    }

    private func report(_ tally: AtomicSlotMover.Tally, resume: ([Int]) -> String) {
        let text = { (slots: [Int]) in
            slots.isEmpty ? "" : " (" + SlotMigrationJob.text(ManagerNode.ranges(slots)) + ")"
        }
        var line = "Moved: \(tally.moved.count) slots\(text(tally.moved)). Not moved: \(tally.notMoved.count) slots"
        line += "\(text(tally.notMoved)), still served by their source with all their keys."
        if !tally.inFlight.isEmpty {
            line +=
                " In flight: \(tally.inFlight.count) slots\(text(tally.inFlight)), whose jobs may still move them: "
                + "run rcli --cluster check before moving them again."
        }
        log.plain(line + "\n")
        if !tally.notMoved.isEmpty {
            log.plain("To move the rest (with this run's connection options): \(resume(tally.notMoved))\n")
        }
    }

    /// The options a resumed reshard or rebalance needs to move as this run did.
    static func resumeOptions(_ request: ClusterManagerRequest) -> String {
        var words: [String] = []
        if request.timeoutGiven { words.append("--cluster-timeout \(request.timeout)") }
        if request.retries > 0 { words.append("--cluster-retries \(request.retries)") }
        if request.atomic == .always { words.append("--cluster-use-atomic-slot-migration") }
        if request.pipeline != 10 { words.append("--cluster-pipeline \(request.pipeline)") }
        if request.replace { words.append("--cluster-replace") }
        return words.map { " " + $0 }.joined()
    }
}
