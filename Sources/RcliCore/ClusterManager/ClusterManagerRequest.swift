/// What `--cluster <subcommand> args... --cluster-*` asked for.
package struct ClusterManagerRequest: Sendable {
    /// The subcommand (`create`, `check` ...), lowercased.
    package var subcommand: String
    /// The words after it that are not options.
    package var args: [String] = []
    /// `--cluster-yes` (or `REDISCLI_CLUSTER_YES=1`).
    package var yes = false
    /// `--cluster-replicas`.
    package var replicas = 0
    /// `--cluster-from`, `--cluster-to`, `--cluster-slots`.
    package var from: String?
    package var to: String?
    package var slots: Int?
    /// `--cluster-timeout` (ms) and `--cluster-pipeline` (keys per MIGRATE).
    package var timeout = 60_000
    /// `--cluster-timeout` was given (an atomic job on Redis, which tells no progress, waits an
    /// hour without it, as redis-cli).
    package var timeoutGiven = false
    package var pipeline = 10
    /// `--cluster-replace`.
    package var replace = false
    /// `--cluster-weight id=w ...`.
    package var weights: [(prefix: String, weight: Double)] = []
    /// `--cluster-use-empty-masters`, `--cluster-simulate`, `--cluster-threshold`.
    package var useEmptyMasters = false
    package var simulate = false
    package var threshold = 2.0
    /// `--cluster-slave` / `--cluster-replica`, `--cluster-master-id`.
    package var replica = false
    package var masterID: String?
    /// `--cluster-search-multiple-owners`, `--cluster-fix-with-unreachable-masters`.
    package var searchMultipleOwners = false
    package var fixWithUnreachableMasters = false
    /// `--cluster-only-masters`, `--cluster-only-replicas`.
    package var onlyMasters = false
    package var onlyReplicas = false
    /// import: `--cluster-from-user`, `--cluster-from-pass`, `--cluster-from-askpass`, `--cluster-copy`.
    package var fromUser: String?
    package var fromPass: String?
    package var fromAskpass = false
    package var copy = false
    /// reshard/rebalance: atomic slot migration (`--cluster-use-atomic-slot-migration`,
    /// `--cluster-no-atomic-slot-migration`; the last given wins).
    package var atomic = AtomicChoice.auto
    /// `--cluster-retries`: times a failed atomic migration job is started again.
    package var retries = 0

    /// Whether slots move by atomic slot migration.
    package enum AtomicChoice: Sendable {
        /// When every node of the plan can (Valkey 9.0+, Redis 8.4+).
        case auto
        /// Always; refused when a node cannot.
        case always
        /// Never: key by key.
        case never
    }

    /// A request for `subcommand`.
    package init(subcommand: String) {
        self.subcommand = subcommand
    }
}
