import Cluster
import RESP

/// `--cluster import host:port --cluster-from host:port [--cluster-copy] [--cluster-replace]`:
/// every key of the source's database 0 moved (or copied) into the cluster, and of each other
/// non-empty database into the same database of a cluster that serves it (Valkey 9 numbered
/// databases; elsewhere those are left on the source, with a warning). redis-cli sends one
/// MIGRATE per key and takes database 0 only; rcli sends one `MIGRATE ... KEYS` per SCAN batch
/// and target node (keys are bytes, so names with NUL or spaces survive), printing redis-cli's
/// line per key.
enum ClusterImport {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        let request = context.request
        guard let fromText = request.from else {
            log.err("[ERR] Option '--cluster-from' is required for subcommand 'import'.")
            return 1
        }
        guard let from = ManagerAddress.parse(fromText) else {
            log.err("[ERR] Invalid --cluster-from host. You need to pass a valid address (ie. 120.0.0.1:7000).")
            return 1
        }
        guard let (entry, _) = ManagerAddress.take(request.args) else { return log.fail(ManagerAddress.invalid) }
        log.info(">>> Importing data from \(ManagerAddress.text(from)) to cluster \(ManagerAddress.text(entry))")
        let cluster = ManagedCluster(template: context.template, log: log)
        defer { cluster.close() }
        guard cluster.load(from: entry) else { return 1 }
        guard ClusterCheck.run(cluster, entry: entry, context: context, quiet: false).isEmpty else { return 1 }
        var settings = context.template.settings
        settings.host = from.host
        settings.port = from.port
        settings.socketPath = nil
        settings.database = 0
        settings.user = request.fromUser
        var password = request.fromPass
        if request.fromAskpass {
            guard let typed = System.readMaskedLine(prompt: "Please input import source node password: ") else {
                return log.fail("--cluster-from-askpass needs a terminal to read the password from")
            }
            password = typed
        }
        let source = Session(settings: settings, password: password)
        defer { source.disconnect() }
        do throws(RcliError) { _ = try source.connect() } catch { return log.fail(error.text) }
        if ManagedCluster.field(cluster.call(source, ["INFO", "cluster"]).text ?? "", "cluster_enabled") == "1" {
            log.err("[ERR] The source node should not be a cluster node.")
            return 1
        }
        var total = 0
        if case .integer(let n) = cluster.call(source, ["DBSIZE"]) {
            total = Int(n)
            log.warn("*** Importing \(n) keys from DB 0")
        }
        var databases = [0]
        let keyspace = ManagedCluster.keyspace(cluster.call(source, ["INFO", "keyspace"]).text ?? "")
        for db in keyspace.keys.sorted() where db != 0 {
            let keys = keyspace[db] ?? 0
            if let why = unserved(db, cluster) {
                log.warn("*** Not importing the \(keys) keys of DB \(db): \(why)")
                continue
            }
            databases.append(db)
            total += keys
            log.warn("*** Importing \(keys) keys from DB \(db)")
        }
        // On a terminal one progress line; piped, redis-cli's line per key.
        let progress = MoveProgress(log: log, total: total, style: .keys)
        for db in databases {
            let session = db == 0 ? source : Session(settings: settings, password: password)
            session.database = db
            defer { if db != 0 { session.disconnect() } }
            guard copyDatabase(db, from: session, at: from, to: cluster, request: request, progress: progress) else {
                return 1
            }
        }
        progress.finish()
        return 0
    }

    /// Why the cluster cannot take database `db` (nil when every master can SELECT it).
    private static func unserved(_ db: Int, _ cluster: ManagedCluster) -> String? {
        let masters = cluster.masters
        if masters.contains(where: { cluster.databaseMode(of: $0) == .single }) {
            return "the cluster serves database 0 only"
        }
        let answers = cluster.pipelineMany(inDatabases: masters.map { ($0, db, [[Array("PING".utf8)]]) }, seconds: 10)
        for (node, answer) in zip(masters, answers) {
            if let first = answer.replies.first, !first.isError { continue }
            let why = answer.error ?? answer.replies.first.flatMap { $0.text } ?? "no reply"
            return "node \(ManagerAddress.text(node.address)) cannot select database \(db): \(why)"
        }
        return nil
    }

    /// SCANs database `db` of the source (`session` has it selected) and MIGRATEs each batch's keys
    /// to their slots' owners, into the same database; false after saying why it stopped.
    private static func copyDatabase(
        _ db: Int, from session: Session, at from: NodeAddress, to cluster: ManagedCluster,
        request: ClusterManagerRequest, progress: MoveProgress
    ) -> Bool {
        let log = cluster.log
        // Each slot's owner, from the masters' own claims.
        var owner = [ManagerNode?](repeating: nil, count: HashSlot.count)
        for node in cluster.masters {
            for range in node.slots { for slot in range where slot < HashSlot.count { owner[slot] = node } }
        }
        var cursor: [UInt8] = Array("0".utf8)
        repeat {
            let reply = cluster.callBytes(
                session, [Array("SCAN".utf8), cursor, Array("COUNT".utf8), Array("1000".utf8)])
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].stringBytes,
                case .array(let items) = parts[1]
            else {
                progress.finish()
                if case .error(let e) = reply {
                    sourceError(from, e, log)
                }
                return false
            }
            cursor = next
            var byNode: [String: (node: ManagerNode, keys: [[UInt8]])] = [:]
            var order: [String] = []
            for key in items.compactMap(\.stringBytes) {
                guard let node = owner[HashSlot.slot(key)] else {
                    progress.finish()
                    log.err("[ERR] No node serves the slot of key \(String(decoding: key, as: UTF8.self))")
                    return false
                }
                if byNode[node.id] == nil { order.append(node.id) }
                byNode[node.id, default: (node, [])].keys.append(key)
            }
            for id in order {
                guard let (node, keys) = byNode[id] else { continue }
                let args = cluster.migrateArguments(keys, to: node, database: db, request: request, copy: request.copy)
                var migrated = cluster.callBytes(session, args, seconds: Double(request.timeout) / 1000 + 30)
                // A node that just joined may answer CLUSTERDOWN for a moment: retry for 10 s.
                for _ in 0..<50 {
                    guard case .error(let e) = migrated,
                        ManagedCluster.isTransient(e)
                    else { break }
                    System.sleep(seconds: 0.2)
                    migrated = cluster.callBytes(session, args, seconds: Double(request.timeout) / 1000 + 30)
                }
                if case .error(let e) = migrated {
                    progress.finish()
                    sourceError(from, e, log)
                    return false
                }
                let target = ManagerAddress.text(node.address)
                if progress.drawsLine {
                    progress.imported(keys.count)
                } else {
                    for key in keys {
                        log.plain("Migrating \(String(decoding: key, as: UTF8.self)) to \(target): OK\n")
                    }
                }
            }
        } while cursor != Array("0".utf8)
        return true
    }

    private static func sourceError(_ from: NodeAddress, _ error: [UInt8], _ log: ManagerLog) {
        log.err("Source \(ManagerAddress.text(from)) replied with error:\n" + String(decoding: error, as: UTF8.self))
    }
}
