import RedisNet

/// The environment variables redis-cli reads (`REDISCLI_AUTH`, `REDISCLI_HISTFILE`,
/// `REDISCLI_RCFILE`, `REDISCLI_CLUSTER_YES`) and their valkey-cli twins (`VALKEYCLI_AUTH` ...).
/// The rule: `REDISCLI_<name>` wins whenever it is set, even to an empty value;
/// `VALKEYCLI_<name>` is read only when its twin is unset. (valkey-cli 9 has it the other way
/// round; rcli, a redis-cli first, keeps a REDISCLI_* setting meaning what it always meant, unless
/// it runs as valkey-cli.)
enum CLIEnvironment {
    /// `REDISCLI_<name>`, else `VALKEYCLI_<name>`, else nil; the other way round when rcli runs
    /// as valkey-cli (valkey-cli 9's rule).
    static func value(_ name: String, in environment: [String: String], voice: Voice = .current) -> String? {
        voice.isValkey
            ? environment["VALKEYCLI_" + name] ?? environment["REDISCLI_" + name]
            : environment["REDISCLI_" + name] ?? environment["VALKEYCLI_" + name]
    }
}
