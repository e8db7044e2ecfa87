extension OptionTable {
    /// Sentinel: the master (or a replica) found through the sentinels, followed across failovers.
    static let sentinel: [OptionSpec] = [
        OptionSpec(
            ["--sentinel"], value: "master-name",
            help: """
                Ask the sentinels (-h/-p, default port 26379, and every
                --sentinel-addr) where master <master-name> is, check with ROLE
                that it is the master, and run there in any mode. After a lost
                connection, -READONLY, -LOADING or -NOREPLICAS, ask again (up to
                --retry-budget) and go on: reads are sent again, writes only
                with --retry-writes. The switch is told on stderr.
                """
        ) { p, v throws(RcliError) in
            guard !v.isEmpty else { throw RcliError.usage("--sentinel needs a master name") }
            p.config.sentinel.master = v
        },
        OptionSpec(
            ["--sentinel-addr"], value: "host:port",
            help: "Another sentinel to ask (repeatable; also host:port,host:port)."
        ) { p, v throws(RcliError) in
            p.config.sentinel.addresses += try SentinelOptions.parseAddresses(v)
        },
        OptionSpec(
            ["--sentinel-replica"],
            help: """
                With --sentinel, send read-only commands to a replica of the
                master (SENTINEL REPLICAS); writes go to the master.
                """
        ) { p, _ throws(RcliError) in
            p.config.sentinel.replica = true
        },
        OptionSpec(["--sentinel-user"], value: "username", help: "ACL user for the sentinels (not the data).") {
            p, v throws(RcliError) in
            p.config.sentinel.user = v
        },
        OptionSpec(
            ["--sentinel-pass"], value: "password",
            help: """
                Password for the sentinels (not the data); also the
                REDISCLI_SENTINEL_AUTH (VALKEYCLI_SENTINEL_AUTH) environment variable.
                """
        ) { p, v throws(RcliError) in
            p.config.sentinel.password = v
            p.config.passwordOnCommandLine = true
        },
    ]
}
