import RESP
import RedisNet

/// `--cluster backup host:port directory`: each master's RDB over SYNC into
/// `redis-node-<host>-<port>-<id>.rdb` and the layout into `nodes.json`, as redis-cli writes
/// them. Unlike redis-cli, the directory is checked first, files are written beside their final
/// name and renamed (never stale bytes from an older, longer file), and the JSON is escaped.
enum ClusterBackup {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        guard let (entry, used) = ManagerAddress.take(context.request.args), context.request.args.count == used + 1
        else { return log.fail(ManagerAddress.invalid) }
        let directory = context.request.args[used]
        guard System.isDirectory(directory) else {
            return log.fail("Error opening '\(directory)': not a directory (create it first)")
        }
        let cluster = ManagedCluster(template: context.template, log: log)
        defer { cluster.close() }
        guard cluster.load(from: entry) else { return 1 }
        let findings = ClusterCheck.run(cluster, entry: entry, context: context, quiet: false)
        for node in cluster.masters {
            log.info(">>> Node \(ManagerAddress.text(node.address)) -> Saving RDB...")
            let path = "\(directory)/redis-node-\(node.address.host)-\(node.address.port)-\(node.id).rdb"
            if let error = saveRDB(node, to: path, cluster: cluster, output: log.output) {
                log.err(error)
                log.err("[ERR] Failed to back cluster!")
                return 1
            }
        }
        let jsonPath = "\(directory)/nodes.json"
        log.plain("Saving cluster configuration to: \(jsonPath)\n")
        guard System.replacePrivateFile(jsonPath, with: Array(json(cluster, errors: !findings.isEmpty).utf8)) else {
            log.err("Could not save nodes to: \(jsonPath)")
            log.err("[ERR] Failed to back cluster!")
            return 1
        }
        log.ok("[OK] Backup created into: \(directory)")
        if !findings.isEmpty {
            log.warn(
                "*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup."
            )
        }
        return 0
    }

    /// One master's RDB; nil on success, else why not.
    private static func saveRDB(_ node: ManagerNode, to path: String, cluster: ManagedCluster, output: OutputContext)
        -> String?
    {
        let session = cluster.session(for: node)
        defer { session.disconnect() }
        let file: TransferFile
        switch TransferFile.open(path) {
        case .success(let f): file = f
        case .failure(let e): return e.text
        }
        do throws(RcliError) {
            let sync = ReplicationSync(conn: try session.connect())
            let payload = try sync.start(replconf: [], output: output)
            switch payload {
            case .length(let n):
                output.err.write("SYNC sent to \(Voice.current.primary), writing \(n) bytes to '\(path)'\n")
            case .eofMark:
                output.err.write(
                    "SYNC sent to \(Voice.current.primary), writing bytes of bulk transfer until EOF marker to "
                        + "'\(path)'\n")
            }
            output.err.flush()
            _ = try sync.readPayload(payload) { file.write($0) }
        } catch {
            file.abandon()
            return error.text
        }
        if let e = file.commit() { return e }
        output.err.write("Transfer finished with success.\n")
        output.err.flush()
        return nil
    }

    /// redis-cli's nodes.json layout.
    static func json(_ cluster: ManagedCluster, errors: Bool) -> String {
        func quote(_ s: String) -> String {
            var out: [UInt8] = []
            Escaping.appendJSONString(Array(s.utf8), to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        let objects = cluster.nodes.map { node -> String in
            let slots = node.slots.map { $0.count == 1 ? "[\($0.lowerBound)]" : "[\($0.lowerBound),\($0.upperBound)]" }
            var fields = [
                "\"name\": \(quote(node.id))", "\"host\": \(quote(node.address.host))",
                "\"port\": \(node.address.port)",
                "\"replicate\": \(node.masterID.map(quote) ?? "null")", "\"slots\": [\(slots.joined(separator: ","))]",
                "\"slots_count\": \(node.slotCount)", "\"flags\": \(quote(node.flags.joined(separator: ",")))",
                "\"current_epoch\": \(node.configEpoch)",
            ]
            for (name, open) in [("migrating", node.migrating), ("importing", node.importing)] where !open.isEmpty {
                let pairs = open.keys.sorted().map { "\(quote(String($0))): \(quote(open[$0] ?? ""))" }
                fields.append("\"\(name)\": {\(pairs.joined(separator: ", "))}")
            }
            if errors { fields.append("\"cluster_errors\": true") }
            return "  {\n" + fields.map { "    " + $0 }.joined(separator: ",\n") + "\n  }"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }
}
