/// `--cluster help`: redis-cli's list of subcommands and options (on stdout, exit status 1 as
/// redis-cli 7.0).
enum ClusterHelp {
    static func run(_ context: ManagerContext) -> Int32 {
        var s = "Cluster Manager Commands:\n"
        let extra: [String: [String]] = [
            "fix": [
                "<host:port> or <host> <port> - separated by either colon or space",
                "--cluster-search-multiple-owners", "--cluster-fix-with-unreachable-masters",
            ],
            "reshard": [
                "<host:port> or <host> <port> - separated by either colon or space", "--cluster-from <arg>",
                "--cluster-to <arg>", "--cluster-slots <arg>", "--cluster-yes", "--cluster-timeout <arg>",
                "--cluster-pipeline <arg>", "--cluster-replace",
            ],
            "rebalance": [
                "<host:port> or <host> <port> - separated by either colon or space",
                "--cluster-weight <node1=w1...nodeN=wN>", "--cluster-use-empty-masters", "--cluster-timeout <arg>",
                "--cluster-simulate", "--cluster-pipeline <arg>", "--cluster-threshold <arg>", "--cluster-replace",
            ],
            "add-node": [
                "new_host:new_port existing_host:existing_port", "--cluster-slave", "--cluster-master-id <arg>",
            ],
            "del-node": ["host:port node_id"],
            "import": [
                "host:port", "--cluster-from <arg>", "--cluster-from-user <arg>", "--cluster-from-pass <arg>",
                "--cluster-from-askpass", "--cluster-copy", "--cluster-replace",
            ],
            "backup": ["host:port backup_directory"],
        ]
        let order = [
            "create", "check", "info", "fix", "reshard", "rebalance", "add-node", "del-node", "call", "set-timeout",
            "import", "backup", "help",
        ]
        for name in order {
            let listed = ClusterManagerCommands.table.first { $0.name == name }?.usage ?? []
            let usage = listed.isEmpty ? extra[name] ?? [""] : listed
            let padded = name + String(repeating: " ", count: max(1, 15 - name.count))
            s += "  \(padded)\(usage[0])\n"
            for line in usage.dropFirst() { s += "                 \(line)\n" }
        }
        s += """

            For check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, backup you can specify \
            the host and port of any working node in the cluster.

            Cluster Manager Options:
              --cluster-yes  Automatic yes to cluster commands prompts


            """
        context.log.plain(s)
        return 1
    }
}
