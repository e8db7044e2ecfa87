import RedisNet

/// `--cluster help`: redis-cli's list of subcommands and options (on stdout, exit status 1 as
/// redis-cli 7.0), with valkey-cli's spellings when rcli runs as valkey-cli.
enum ClusterHelp {
    static func run(_ context: ManagerContext) -> Int32 {
        var s = "Cluster Manager Commands:\n"
        let order = [
            "create", "check", "info", "fix", "reshard", "rebalance", "add-node", "del-node", "call", "set-timeout",
            "import", "backup", "help",
        ]
        for name in order {
            var usage = ClusterManagerCommands.table.first { $0.name == name }?.usage ?? [""]
            if Voice.current.isValkey {
                // valkey-cli's spellings (its own help says --cluster-primaries-id, an option it
                // does not accept: rcli names the one it does).
                usage = usage.map { line in
                    OptionTable.valkeySpellings.reduce(line) { text, pair in
                        text.split(separator: " ").first.map(String.init) == pair.redis
                            ? pair.valkey + String(text.dropFirst(pair.redis.count)) : text
                    }
                }
            }
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
