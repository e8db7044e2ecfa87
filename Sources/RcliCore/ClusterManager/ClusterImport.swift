import Cluster
import RESP

/// `--cluster import host:port --cluster-from host:port [--cluster-copy] [--cluster-replace]`:
/// every key of the source's database 0 moved (or copied) into the cluster. redis-cli sends one
/// MIGRATE per key; rcli sends one `MIGRATE ... KEYS` per SCAN batch and target node (keys are
/// bytes, so names with NUL or spaces survive), printing redis-cli's line per key.
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
        // On a terminal one progress line; piped, redis-cli's line per key.
        let progress = MoveProgress(log: log, total: total, style: .keys)
        // Each slot's owner, from the masters' own claims.
        var owner = [ManagerNode?](repeating: nil, count: HashSlot.count)
        for node in cluster.masters {
            for range in node.slots { for slot in range where slot < HashSlot.count { owner[slot] = node } }
        }
        var cursor: [UInt8] = Array("0".utf8)
        repeat {
            let reply = cluster.callBytes(
                source, [Array("SCAN".utf8), cursor, Array("COUNT".utf8), Array("1000".utf8)])
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].stringBytes,
                case .array(let items) = parts[1]
            else {
                progress.finish()
                if case .error(let e) = reply {
                    sourceError(from, e, log)
                }
                return 1
            }
            cursor = next
            var byNode: [String: (node: ManagerNode, keys: [[UInt8]])] = [:]
            var order: [String] = []
            for key in items.compactMap(\.stringBytes) {
                guard let node = owner[HashSlot.slot(key)] else {
                    progress.finish()
                    log.err("[ERR] No node serves the slot of key \(String(decoding: key, as: UTF8.self))")
                    return 1
                }
                if byNode[node.id] == nil { order.append(node.id) }
                byNode[node.id, default: (node, [])].keys.append(key)
            }
            for id in order {
                guard let (node, keys) = byNode[id] else { continue }
                let args = cluster.migrateArguments(keys, to: node, request: request, copy: request.copy)
                var migrated = cluster.callBytes(source, args, seconds: Double(request.timeout) / 1000 + 30)
                // A node that just joined may answer CLUSTERDOWN for a moment: retry for 10 s.
                for _ in 0..<50 {
                    guard case .error(let e) = migrated,
                        ManagedCluster.isTransient(e)
                    else { break }
                    System.sleep(seconds: 0.2)
                    migrated = cluster.callBytes(source, args, seconds: Double(request.timeout) / 1000 + 30)
                }
                if case .error(let e) = migrated {
                    progress.finish()
                    sourceError(from, e, log)
                    return 1
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
        progress.finish()
        return 0
    }

    private static func sourceError(_ from: NodeAddress, _ error: [UInt8], _ log: ManagerLog) {
        log.err("Source \(ManagerAddress.text(from)) replied with error:\n" + String(decoding: error, as: UTF8.self))
    }
}
