/// Dispatches the tool modes that take over the whole run (`--bigkeys`, `--stat`, `--rdb` ...).
enum ToolModes {
    static func run(
        _ mode: ToolMode, config: CLIConfiguration, transport: Transport & ServerDirectory, output: OutputContext
    ) -> Int32 {
        switch mode {
        case .keyStats(let kind):
            return KeyStatsMode.run(kind, config: config, transport: transport, output: output)
        case .keyDistribution:
            return KeyDistributionMode.run(config: config, transport: transport, output: output)
        case .stat:
            return StatMode.run(config, transport: transport, output: output)
        case .latency(let kind):
            return LatencyMode.run(kind, config: config, session: transport.primary, output: output)
        case .intrinsicLatency(let seconds):
            return IntrinsicLatencyMode.run(seconds: seconds, output: output)
        case .rdb(let path, let functionsOnly):
            return RDBMode.run(
                config, path: path, functionsOnly: functionsOnly, session: transport.primary, output: output)
        case .replica:
            return ReplicaMode.run(config, session: transport.primary, output: output)
        case .lruTest(let keys):
            return LRUTestMode.run(keys: keys, transport: transport, output: output)
        }
    }
}
