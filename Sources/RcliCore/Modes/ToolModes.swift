/// Dispatches the tool modes that take over the whole run (`--bigkeys`, `--stat`, `--rdb` ...).
enum ToolModes {
    static func run(_ mode: ToolMode, config: CLIConfiguration, session: Session, cluster: ClusterPool?,
                    output: OutputContext) -> Int32 {
        switch mode {
        case .keyStats(let kind):
            return KeyStatsMode.run(kind, config: config, session: session, cluster: cluster, output: output)
        case .stat:
            return StatMode.run(config, session: session, cluster: cluster, output: output)
        case .latency(let kind):
            return LatencyMode.run(kind, config: config, session: session, output: output)
        case .intrinsicLatency(let seconds):
            return IntrinsicLatencyMode.run(seconds: seconds, output: output)
        case .rdb(let path, let functionsOnly):
            if cluster != nil { return output.usageFailure("--rdb with -c: fetch one node's RDB at a time, without -c") }
            return RDBMode.run(config, path: path, functionsOnly: functionsOnly, session: session, output: output)
        case .replica:
            if cluster != nil { return output.usageFailure("--replica with -c: follow one master at a time, without -c") }
            return ReplicaMode.run(config, session: session, output: output)
        }
    }
}
