import Cluster

/// What every subcommand gets: the request, the credentials and TLS settings every node is
/// reached with, and the output.
struct ManagerContext {
    let request: ClusterManagerRequest
    let template: Session
    var log: ManagerLog
    let environment: [String: String]
    /// `--verbose`.
    var verbose = false
    /// `--json` / `--quoted-json`: check and info print one JSON document instead.
    var json: OutputFormat?

    /// `--cluster-yes` or REDISCLI_CLUSTER_YES (VALKEYCLI_CLUSTER_YES).
    var assumeYes: Bool {
        request.yes
            || ["1", "yes", "true"].contains(CLIEnvironment.value("CLUSTER_YES", in: environment)?.lowercased() ?? "")
    }

    /// A cluster loaded through the address at the start of the arguments (nil after saying why);
    /// `prefetchKeyspace` as `ManagedCluster.load`.
    func loadCluster(prefetchKeyspace: Bool = false) -> (ManagedCluster, NodeAddress)? {
        guard let (entry, _) = ManagerAddress.take(request.args) else {
            _ = log.fail(ManagerAddress.invalid)
            return nil
        }
        let cluster = ManagedCluster(template: template, log: log)
        return cluster.load(from: entry, prefetchKeyspace: prefetchKeyspace) ? (cluster, entry) : nil
    }

    /// Asks `question`; true for yes. Without a terminal and without --cluster-yes this is an
    /// error, never a hang (`fixPrompt`: asked even with --cluster-yes, as redis-cli does).
    func confirm(_ question: String, fixPrompt: Bool = false) -> Bool {
        if assumeYes && !fixPrompt { return true }
        log.plain("\(question) (type 'yes' to accept): ")
        guard System.isTerminal(0) else {
            log.plain("\n")
            log.err(
                fixPrompt
                    ? "[ERR] No terminal to answer on: this question is asked even with --cluster-yes (as redis-cli "
                        + "does, since it can lose data); run the fix on a terminal."
                    : "[ERR] No terminal to answer on: run with --cluster-yes (or REDISCLI_CLUSTER_YES=1) to accept.")
            return false
        }
        guard let line = System.readTerminalLine() else { return false }
        return line.hasPrefix("yes")
    }
}

/// The `--cluster` subcommands: one file each, dispatched from this table.
enum ClusterManagerCommands {
    struct Entry: Sendable {
        let name: String
        /// Arguments it takes (an address may be one word or two).
        let arity: ClosedRange<Int>
        let usage: [String]
        let run: @Sendable (ManagerContext) -> Int32
    }

    static let table: [Entry] = [
        Entry(name: "create", arity: 1...Int.max, usage: ["host1:port1 ... hostN:portN", "--cluster-replicas <arg>"]) {
            ClusterCreate.run($0)
        },
        Entry(
            name: "check", arity: 1...2,
            usage: [
                "<host:port> or <host> <port> - separated by either colon or space",
                "--cluster-search-multiple-owners",
            ]
        ) { ClusterCheck.check($0) },
        Entry(name: "info", arity: 1...2, usage: ["<host:port> or <host> <port> - separated by either colon or space"])
        {
            ClusterCheck.info($0)
        },
        Entry(
            name: "call", arity: 2...Int.max,
            usage: ["host:port command arg arg .. arg", "--cluster-only-masters", "--cluster-only-replicas"]
        ) {
            ClusterCall.run($0)
        },
        Entry(name: "set-timeout", arity: 2...3, usage: ["host:port milliseconds"]) { ClusterSetTimeout.run($0) },
        Entry(
            name: "add-node", arity: 2...4,
            usage: ["new_host:new_port existing_host:existing_port", "--cluster-slave", "--cluster-master-id <arg>"]
        ) { ClusterAddNode.run($0) },
        Entry(name: "del-node", arity: 2...3, usage: ["host:port node_id"]) { ClusterDelNode.run($0) },
        Entry(
            name: "reshard", arity: 1...2,
            usage: [
                "<host:port> or <host> <port> - separated by either colon or space", "--cluster-from <arg>",
                "--cluster-to <arg>", "--cluster-slots <arg>", "--cluster-yes", "--cluster-timeout <arg>",
                "--cluster-pipeline <arg>", "--cluster-replace",
            ]
        ) { ClusterReshard.run($0) },
        Entry(name: "backup", arity: 2...3, usage: ["host:port backup_directory"]) { ClusterBackup.run($0) },
        Entry(
            name: "import", arity: 1...2,
            usage: [
                "host:port", "--cluster-from <arg>", "--cluster-from-user <arg>", "--cluster-from-pass <arg>",
                "--cluster-from-askpass", "--cluster-copy", "--cluster-replace",
            ]
        ) { ClusterImport.run($0) },
        Entry(
            name: "fix", arity: 1...2,
            usage: [
                "<host:port> or <host> <port> - separated by either colon or space",
                "--cluster-search-multiple-owners", "--cluster-fix-with-unreachable-masters",
            ]
        ) { ClusterFix.run($0) },
        Entry(
            name: "rebalance", arity: 1...2,
            usage: [
                "<host:port> or <host> <port> - separated by either colon or space",
                "--cluster-weight <node1=w1...nodeN=wN>", "--cluster-use-empty-masters", "--cluster-timeout <arg>",
                "--cluster-simulate", "--cluster-pipeline <arg>", "--cluster-threshold <arg>", "--cluster-replace",
            ]
        ) { ClusterRebalance.run($0) },
        Entry(name: "help", arity: 0...Int.max, usage: [""]) { ClusterHelp.run($0) },
    ]

    static let names = table.map(\.name)

    /// Runs the request's subcommand.
    static func run(_ context: ManagerContext) -> Int32 {
        guard let entry = table.first(where: { $0.name == context.request.subcommand }) else {
            return context.log.fail("Unknown --cluster subcommand")
        }
        guard entry.arity.contains(context.request.args.count) else {
            return context.log.fail("[ERR] Wrong number of arguments for specified --cluster sub command")
        }
        return entry.run(context)
    }
}
