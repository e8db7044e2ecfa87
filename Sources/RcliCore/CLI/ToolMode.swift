/// redis-cli's tool modes beyond `--scan`, `--pipe` and `--eval`.
package enum ToolMode: Sendable, Equatable {
    /// `--bigkeys`, `--memkeys`, `--hotkeys`.
    case keyStats(KeyStatsKind)
    /// `--keystats`, `--keystats-samples <n>`.
    case keyDistribution
    /// `--stat`.
    case stat
    /// `--latency`, `--latency-history`, `--latency-dist`.
    case latency(LatencyKind)
    /// `--intrinsic-latency <seconds>`.
    case intrinsicLatency(seconds: Int)
    /// `--rdb <file>` / `--functions-rdb <file>`.
    case rdb(path: String, functionsOnly: Bool)
    /// `--replica` / `--slave`.
    case replica
    /// `--lru-test <keys>`: a cache workload (80/20 key distribution) over `keys` keys.
    case lruTest(keys: Int64)
}

/// What `--bigkeys`, `--memkeys` and `--hotkeys` measure.
package enum KeyStatsKind: Sendable, Equatable {
    /// Element counts (STRLEN, LLEN ...).
    case size
    /// MEMORY USAGE.
    case memory
    /// OBJECT FREQ (needs an LFU maxmemory-policy).
    case frequency
}

/// The three latency modes.
package enum LatencyKind: Sendable, Equatable {
    /// Running min/max/avg.
    case running
    /// The same, restarted every `-i` seconds (default 15).
    case history
    /// A spectrum per `-i` seconds (default 1), for a 256-colour terminal.
    case distribution
}

/// How `--eval` runs under the Lua debugger.
package enum LuaDebuggerKind: Sendable, Equatable {
    /// `--ldb`: `SCRIPT DEBUG yes`, a forked session whose changes are rolled back.
    case forked
    /// `--ldb-sync-mode`: `SCRIPT DEBUG sync`, the server blocks and changes are kept.
    case sync
}
