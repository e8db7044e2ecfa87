import Cluster
import RESP

/// `--cluster check --json` and `--cluster info --json`: the same load and checks as the text
/// forms, printed as one JSON document for monitoring scripts. Shape (members in this order):
/// `entry`; for check `ok` (what the exit status says); `masters`, `replicas`, `keys`,
/// `keys_per_slot`, `unreachable_masters`; `nodes` (each: `id`, `address`, `host`, `port`, `role`
/// `master`|`replica`, `master_id`, `flags`, `config_epoch`, `slots` as `[first,last]` ranges,
/// `slot_count`, `keys`, `replicas`, `migrating` and `importing` as slot → node id); for check
/// `agree` (the nodes' slot maps match); `open_slots`, `covered_slots`, `uncovered_slots` (ranges);
/// `migrations` when there are any (atomic slot migration jobs running or failed in the last hour: `id`, `source`,
/// `source_address`, `target`, `target_address`, `slots`, `slot_count`, `state`, `outcome`
/// `running`|`failed`|`cancelled`, `message`, `created`, `updated`);
/// with `--cluster-search-multiple-owners`, `multiple_owners` (`slot`, `owners` as addresses);
/// then the `errors` and `warnings` the text form would have printed. A cluster that cannot be
/// loaded gives `ok: false` (check) and the reason in `errors`, exit status 1.
enum ClusterReport {
    static func run(_ context: ManagerContext, check: Bool) -> Int32 {
        let capture = ManagerLogCapture()
        var quiet = context
        quiet.log = ManagerLog(output: context.log.output, capture: capture)
        var document: [(String, JSONDocument)] = [("entry", .null)]
        if let (entry, _) = ManagerAddress.take(context.request.args) {
            document[0].1 = .string(ManagerAddress.text(entry))
        }
        var findings: [ClusterCheck.Finding] = []
        var loaded: ManagedCluster?
        if let (cluster, entry) = quiet.loadCluster() {
            loaded = cluster
            if check {
                findings = ClusterCheck.run(cluster, entry: entry, context: quiet, quiet: true)
            } else {
                for notice in cluster.migrationNotices() { quiet.log.warn(notice.line) }
            }
        }
        defer { loaded?.close() }
        let ok = loaded != nil && findings.isEmpty
        if check { document.append(("ok", .bool(ok))) }
        if let cluster = loaded {
            document += body(cluster, findings: check ? findings : nil, searched: context.request.searchMultipleOwners)
        }
        document.append(("errors", .array(capture.errors.map { .string($0) })))
        document.append(("warnings", .array(capture.warnings.map { .string($0) })))
        context.log.output.out.write(JSONDocument.object(document).rendered(quoted: context.json == .quotedJSON))
        context.log.output.out.flush()
        return ok || (!check && loaded != nil) ? 0 : 1
    }

    private static func ranges(_ slots: [ClosedRange<Int>]) -> JSONDocument {
        .array(slots.map { .array([.int($0.lowerBound), .int($0.upperBound)]) })
    }

    private static func body(_ cluster: ManagedCluster, findings: [ClusterCheck.Finding]?, searched: Bool)
        -> [(String, JSONDocument)]
    {
        let nodes = cluster.nodes
        // Every database's keys (INFO keyspace summed), as check and info print them.
        let keys = cluster.keyCounts(of: nodes)
        let masters = cluster.masters
        let total = masters.reduce(0) { $0 + (keys[$1.id] ?? 0) }
        let listed: [JSONDocument] = nodes.map { node in
            let marks = { (marks: [Int: String]) -> JSONDocument in
                .object(marks.keys.sorted().map { ("\($0)", .string(marks[$0] ?? "")) })
            }
            return .object([
                ("id", .string(node.id)), ("address", .string(ManagerAddress.text(node.address))),
                ("host", .string(node.address.host)), ("port", .int(node.address.port)),
                ("role", .string(node.isMaster ? "master" : "replica")),
                ("master_id", node.masterID.map { .string($0) } ?? .null),
                ("flags", .array(node.flags.map { .string($0) })), ("config_epoch", .int(node.configEpoch)),
                ("slots", ranges(node.slots)), ("slot_count", .int(node.slotCount)),
                ("keys", keys[node.id].map { .int($0) } ?? .null), ("replicas", .int(node.replicaCount)),
                ("migrating", marks(node.migrating)), ("importing", marks(node.importing)),
            ])
        }
        var open = Set<Int>()
        for node in nodes { open.formUnion(node.migrating.keys.map { $0 } + node.importing.keys.map { $0 }) }
        let uncovered = ClusterCheck.uncoveredSlots(cluster)
        var members: [(String, JSONDocument)] = [
            ("masters", .int(masters.count)), ("replicas", .int(nodes.count - masters.count)), ("keys", .int(total)),
            ("keys_per_slot", .number(System.cFormat("%.2f", Double(total) / Double(HashSlot.count)))),
            ("unreachable_masters", .int(cluster.unreachableMasters)), ("nodes", .array(listed)),
        ]
        if let findings { members.append(("agree", .bool(!findings.contains(.disagreement)))) }
        members += [
            ("open_slots", .array(open.sorted().map { .int($0) })),
            ("covered_slots", .int(HashSlot.count - uncovered.count)),
            ("uncovered_slots", ranges(ManagerNode.ranges(uncovered))),
        ]
        // Running atomic slot migration jobs and recent failures (what the warnings say); the
        // member is there only when there is one (the document is as before otherwise).
        let notices = cluster.migrationNotices()
        if !notices.isEmpty {
            members.append(
                (
                    "migrations",
                    .array(
                        notices.map { notice in
                            let job = notice.job
                            let address = { (id: String) -> JSONDocument in
                                cluster.node(id: id).map { .string(ManagerAddress.text($0.address)) } ?? .null
                            }
                            return .object([
                                ("id", .string(job.id)), ("source", .string(job.source)),
                                ("source_address", address(job.source)), ("target", .string(job.target)),
                                ("target_address", address(job.target)), ("slots", ranges(job.slots)),
                                ("slot_count", .int(job.slotCount)), ("state", .string(job.state)),
                                ("outcome", .string("\(job.outcome)")), ("message", .string(job.message)),
                                ("created", job.created.map { .int($0) } ?? .null),
                                ("updated", job.updated.map { .int($0) } ?? .null),
                            ])
                        })
                ))
        }
        if let findings, searched {
            var owners: [ClusterCheck.SlotOwners] = []
            for case .multipleOwners(let found) in findings { owners += found }
            members.append(
                (
                    "multiple_owners",
                    .array(
                        owners.map { entry in
                            .object([
                                ("slot", .int(entry.slot)),
                                (
                                    "owners",
                                    .array(
                                        entry.owners.map { id in
                                            .string(cluster.node(id: id).map { ManagerAddress.text($0.address) } ?? id)
                                        })
                                ),
                            ])
                        })
                ))
        }
        return members
    }
}
