import RESP

/// The key-moving step of `SlotBatchMover` (the one slot mover), between opening slots and giving
/// them to their targets (or all of a cold move): every key of the slots sent from the sources to the targets, in every
/// database that holds some (Valkey 9 numbered databases: a slot's keys in database 3 would
/// be deleted by the source once the slot changes owner). Keys go in `MIGRATE ... KEYS` batches
/// of `--cluster-pipeline`, up to 16 batches' worth fetched per slot at a time, every source's
/// fetches and batches pipelined together, until GETKEYSINSLOT finds none left. A database
/// other than 0 is worked on through a connection that SELECTed it when it opened, and MIGRATE
/// names the same database on the target. On a node without numbered databases this is the
/// database-0 loop redis-cli runs, with the same commands.
struct SlotKeyMover {
    let cluster: ManagedCluster
    let request: ClusterManagerRequest

    /// Why keys stopped moving.
    enum Failure {
        /// A database could not be read; no key was moved.
        case unreadable(String)
        /// An error while keys moved: some of a slot's keys may be on each side.
        case failed(String)
        /// `stop` asked for it between two rounds of batches.
        case stopped
    }

    /// One slot's keys in one database.
    private struct Part {
        let move: SlotMove
        let database: Int
    }

    /// Commands for one node in one database, with the part each is for.
    private struct Group {
        let node: ManagerNode
        let database: Int
        var parts: [Part] = []
        var commands: [[[UInt8]]] = []
    }

    /// Why the databases holding `moves`' keys cannot be read (nil when they can): asked before
    /// the slots are opened, so a refusal leaves nothing to close (clients may write keys to a
    /// target through ASK as soon as a slot is open).
    func unreadable(_ moves: [SlotMove]) -> String? {
        if case .failure(let error) = parts(of: moves) { return error.text }
        return nil
    }

    /// Moves the keys of `moves`; `moved` hears how many keys of which move each batch took.
    /// Nil when every slot is empty on its source.
    func run(_ moves: [SlotMove], stop: () -> Bool = { false }, moved: (SlotMove, Int) -> Void) -> Failure? {
        var pending: [Part]
        switch parts(of: moves) {
        case .failure(let error): return .unreadable(error.text)
        case .success(let parts): pending = parts
        }
        let fetch = max(request.pipeline, min(request.pipeline * 16, 1000))
        var waited = 0.0
        while !pending.isEmpty {
            if stop() { return .stopped }
            let fetches = grouped(pending) { ["CLUSTER", "GETKEYSINSLOT", "\($0.move.slot)", "\(fetch)"] }
            let replies = cluster.pipelineMany(inDatabases: fetches.map { ($0.node, $0.database, $0.commands) })
            var migrations: [Group] = []
            var sizes: [[Int]] = []
            pending = []
            for (group, answer) in zip(fetches, replies) {
                var migration = Group(node: group.node, database: group.database)
                var counts: [Int] = []
                for (i, part) in group.parts.enumerated() {
                    guard i < answer.replies.count else { return .failed(lost(group.node, part)) }
                    if case .error(let e) = answer.replies[i] {
                        return .failed(ManagerLog.repliedText(group.node.address, e))
                    }
                    guard case .array(let items) = answer.replies[i], !items.isEmpty else { continue }
                    pending.append(part)
                    let keys = items.compactMap(\.stringBytes)
                    for start in stride(from: 0, to: keys.count, by: request.pipeline) {
                        let batch = Array(keys[start..<min(start + request.pipeline, keys.count)])
                        migration.parts.append(part)
                        migration.commands.append(
                            cluster.migrateArguments(
                                batch, to: part.move.target, database: part.database, request: request))
                        counts.append(batch.count)
                    }
                }
                if !migration.parts.isEmpty {
                    migrations.append(migration)
                    sizes.append(counts)
                }
            }
            if migrations.isEmpty { break }
            let results = cluster.pipelineMany(
                inDatabases: migrations.map { ($0.node, $0.database, $0.commands) },
                seconds: Double(request.timeout) / 1000 + 30)
            var busy = false
            for ((group, counts), answer) in zip(zip(migrations, sizes), results) {
                for (i, part) in group.parts.enumerated() {
                    guard i < answer.replies.count else { return .failed(lost(group.node, part)) }
                    guard case .error(let e) = answer.replies[i] else {
                        moved(part.move, counts[i])
                        continue
                    }
                    // The target may briefly see the cluster as down while gossip settles: those
                    // keys stay on the source and are fetched again (for 10 s at most).
                    if ManagedCluster.isTransient(e) && waited < 10 {
                        busy = true
                    } else if e.starts(with: Array("BUSYKEY".utf8)) && !request.replace {
                        let move = part.move
                        return .failed(
                            "\n*** Target key exists\nSome keys in slot \(move.slot)\(inDatabase(part)) exist on both "
                                + "\(ManagerAddress.text(move.source.address)) and "
                                + "\(ManagerAddress.text(move.target.address)); relaunch with --cluster-replace to "
                                + "overwrite the target's copies.")
                    } else {
                        return .failed(ManagerLog.repliedText(group.node.address, e))
                    }
                }
            }
            if busy {
                System.sleep(seconds: 0.2)
                waited += 0.2
            }
        }
        return nil
    }

    /// Every move's keys in database 0 (always fetched, as redis-cli does), then those of the
    /// other databases that hold some of its slot's keys now. Asked after the slots were set
    /// migrating, so no new key can appear in a database counted empty (writes for keys a
    /// migrating slot does not hold are redirected to the target).
    private func parts(of moves: [SlotMove]) -> Result<[Part], ManagedCluster.DatabaseReadError> {
        var parts = moves.map { Part(move: $0, database: 0) }
        var sources: [ManagerNode] = []
        for move in moves where !sources.contains(where: { $0.id == move.source.id }) { sources.append(move.source) }
        for source in sources {
            let others: [Int]
            switch cluster.otherDatabases(of: source) {
            case .failure(let error): return .failure(error)
            case .success(let found): others = found
            }
            guard !others.isEmpty else { continue }
            let mine = moves.filter { $0.source.id == source.id }
            switch cluster.slotKeys(source, mine.map(\.slot), in: others) {
            case .failure(let error):
                return .failure(error)
            case .success(let counts):
                for db in others {
                    for (move, count) in zip(mine, counts) where (count[db] ?? 0) > 0 {
                        parts.append(Part(move: move, database: db))
                    }
                }
            }
        }
        return .success(parts)
    }

    /// `command` for every part, grouped by source and database (first-seen order).
    private func grouped(_ parts: [Part], _ command: (Part) -> [String]) -> [Group] {
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for part in parts {
            let key = "\(part.move.source.id)/\(part.database)"
            let i = index[key] ?? groups.count
            if i == groups.count {
                index[key] = i
                groups.append(Group(node: part.move.source, database: part.database))
            }
            groups[i].parts.append(part)
            groups[i].commands.append(command(part).map { Array($0.utf8) })
        }
        return groups
    }

    /// ` (database 3)`, nothing for database 0.
    private func inDatabase(_ part: Part) -> String {
        part.database == 0 ? "" : " (database \(part.database))"
    }

    private func lost(_ node: ManagerNode, _ part: Part) -> String {
        "Node \(ManagerAddress.text(node.address)): the connection was lost while migrating slot \(part.move.slot)"
            + inDatabase(part)
    }
}
