extension OptionTable {
    /// `--cluster <subcommand> [args...]` and the `--cluster-*` options of redis-cli 7.0. Numbers
    /// are checked (redis-cli reads `--cluster-pipeline abc` as 0 and then loses keys).
    static let clusterManager: [OptionSpec] = [
        OptionSpec(
            ["--cluster"], value: "command",
            help: """
                Cluster manager: create check info fix reshard rebalance
                add-node del-node call set-timeout import backup help.
                Arguments follow the subcommand; see --cluster help.
                """,
            completion: .choices(ClusterManagerCommands.names)
        ) { p, v throws(RcliError) in
            // `--cluster-*` options given before it stay (redis-cli takes options in any order).
            var request = p.config.clusterManager ?? ClusterManagerRequest(subcommand: "")
            request.subcommand = v.lowercased()
            p.config.clusterManager = request
        },
        flag("--cluster-yes", "Answer yes to the cluster manager's prompts (also REDISCLI_CLUSTER_YES=1).") {
            $0.yes = true
        },
        value("--cluster-replicas", "n", "create: replicas per master.") { r, v throws(RcliError) in
            r.replicas = try OptionValues.count(v, option: "--cluster-replicas", range: 0...1000)
        },
        value("--cluster-from", "ids", "reshard: source node ids (comma-separated, or all); import: host:port.") {
            r, v throws(RcliError) in
            r.from = v
        },
        value("--cluster-to", "id", "reshard: the receiving node id.") { r, v throws(RcliError) in r.to = v },
        value("--cluster-slots", "n", "reshard: how many slots to move (1-16384).") { r, v throws(RcliError) in
            r.slots = try OptionValues.count(v, option: "--cluster-slots", range: 1...16384)
        },
        value(
            "--cluster-timeout", "ms",
            "MIGRATE timeout in milliseconds (default 60000); also how long\n"
                + "an atomic migration job may go without progress."
        ) {
            r, v throws(RcliError) in
            r.timeout = try OptionValues.count(v, option: "--cluster-timeout", range: 1...Int(Int32.max))
            r.timeoutGiven = true
        },
        value("--cluster-pipeline", "n", "Keys per MIGRATE batch (default 10).") { r, v throws(RcliError) in
            r.pipeline = try OptionValues.count(v, option: "--cluster-pipeline", range: 1...1_000_000)
        },
        flag("--cluster-replace", "Replace keys that exist on the target when moving them.") { $0.replace = true },
        // redis-cli takes every following `id=weight` word as one more weight.
        value(
            ["--cluster-weight"], "id=w", "rebalance: a master's weight (repeatable; id prefixes work).",
            moreValues: isWeight
        ) { r, v throws(RcliError) in
            // One word each; a quoted "a=1 b=2" (a profile's value) holds several.
            for item in v.split(separator: " ") {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let w = Double(parts[1]), w >= 0, w.isFinite else {
                    throw RcliError.usage("*** invalid input \(item)")
                }
                r.weights.append((String(parts[0]), w))
            }
        },
        flag(
            ["--cluster-use-empty-masters", "--cluster-use-empty-primaries"],
            "rebalance: give slots to masters that have none\n(also --cluster-use-empty-primaries)."
        ) { $0.useEmptyMasters = true },
        flag("--cluster-simulate", "rebalance: show the moves without making them.") { $0.simulate = true },
        value("--cluster-threshold", "percent", "rebalance: imbalance to tolerate (default 2).") {
            r, v throws(RcliError) in
            guard let t = Double(v), t >= 0, t.isFinite else {
                throw RcliError.usage(
                    "Invalid value for --cluster-threshold: '\(v)' (expected a percentage, 0 or more)")
            }
            r.threshold = t
        },
        flag(["--cluster-slave", "--cluster-replica"], "add-node: add the node as a replica (also --cluster-replica).")
        { $0.replica = true },
        value(
            ["--cluster-master-id", "--cluster-primary-id"], "id",
            "add-node: the master the new replica follows\n(also --cluster-primary-id)."
        ) { r, v throws(RcliError) in r.masterID = v },
        flag("--cluster-search-multiple-owners", "check/fix: look for slots owned by several masters.") {
            $0.searchMultipleOwners = true
        },
        flag(
            ["--cluster-fix-with-unreachable-masters", "--cluster-fix-with-unreachable-primaries"],
            "fix: proceed although some masters cannot be reached\n(also --cluster-fix-with-unreachable-primaries)."
        ) { $0.fixWithUnreachableMasters = true },
        flag(
            ["--cluster-only-masters", "--cluster-only-primaries"],
            "call: only the masters (also --cluster-only-primaries)."
        ) { $0.onlyMasters = true },
        flag("--cluster-only-replicas", "call: only the replicas.") { $0.onlyReplicas = true },
        value("--cluster-from-user", "user", "import: user on the source server.") { r, v throws(RcliError) in
            r.fromUser = v
        },
        value("--cluster-from-pass", "password", "import: password on the source server.") {
            r, v throws(RcliError) in
            r.fromPass = v
        },
        flag("--cluster-from-askpass", "import: ask for the source server's password.") { $0.fromAskpass = true },
        flag("--cluster-copy", "import: copy keys instead of moving them.") { $0.copy = true },
        flag(
            "--cluster-use-atomic-slot-migration",
            "reshard/rebalance: move slots inside the servers (Valkey 9+,\nRedis 8.4+); refuse if a node cannot."
        ) { $0.atomic = .always },
        flag(
            "--cluster-no-atomic-slot-migration",
            "reshard/rebalance: move keys one batch at a time even where\nthe servers could move whole slots."
        ) { $0.atomic = .never },
        value(
            "--cluster-retries", "n",
            "reshard/rebalance: start a failed atomic migration again\nup to n times (default 0)."
        ) { r, v throws(RcliError) in
            r.retries = try OptionValues.count(v, option: "--cluster-retries", range: 0...100)
        },
    ]

    /// redis-cli's spellings of the cluster manager's options and valkey-cli 8's, which rcli
    /// accepts as well and shows in `--cluster help` when it runs as valkey-cli.
    static let valkeySpellings: [(redis: String, valkey: String)] = [
        ("--cluster-use-empty-masters", "--cluster-use-empty-primaries"), ("--cluster-slave", "--cluster-replica"),
        ("--cluster-master-id", "--cluster-primary-id"),
        ("--cluster-fix-with-unreachable-masters", "--cluster-fix-with-unreachable-primaries"),
        ("--cluster-only-masters", "--cluster-only-primaries"),
    ]

    /// A word that is one more `--cluster-weight` value.
    @Sendable private static func isWeight(_ word: String) -> Bool { word.contains("=") }

    private static func flag(
        _ name: String, _ help: String, _ set: @escaping @Sendable (inout ClusterManagerRequest) -> Void
    ) -> OptionSpec {
        flag([name], help, set)
    }

    private static func flag(
        _ names: [String], _ help: String, _ set: @escaping @Sendable (inout ClusterManagerRequest) -> Void
    ) -> OptionSpec {
        OptionSpec(names, help: help) { p, _ throws(RcliError) in
            var request = p.config.clusterManager ?? ClusterManagerRequest(subcommand: "")
            set(&request)
            p.config.clusterManager = request
        }
    }

    private static func value(
        _ name: String, _ valueName: String, _ help: String,
        _ set: @escaping @Sendable (inout ClusterManagerRequest, String) throws(RcliError) -> Void
    ) -> OptionSpec {
        value([name], valueName, help, set)
    }

    private static func value(
        _ names: [String], _ valueName: String, _ help: String, moreValues: (@Sendable (String) -> Bool)? = nil,
        _ set: @escaping @Sendable (inout ClusterManagerRequest, String) throws(RcliError) -> Void
    ) -> OptionSpec {
        OptionSpec(names, value: valueName, help: help, moreValues: moreValues) { p, v throws(RcliError) in
            var request = p.config.clusterManager ?? ClusterManagerRequest(subcommand: "")
            try set(&request, v)
            p.config.clusterManager = request
        }
    }
}
