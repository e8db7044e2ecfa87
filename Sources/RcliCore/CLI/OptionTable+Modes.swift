extension OptionTable {
    static let modes: [OptionSpec] = [
        OptionSpec(["--pipe"], help: "Transfer raw Redis protocol from stdin to server.") { p, _ throws(RcliError) in
            p.config.pipe = true
        },
        OptionSpec(
            ["--pipe-timeout"], value: "n",
            help: """
                In --pipe mode, abort with error if after sending all data.
                no reply is received within <n> seconds.
                Default timeout: 30. Use 0 to wait forever.
                """
        ) { p, v throws(RcliError) in
            p.config.pipeTimeout = try OptionValues.seconds(v, option: "--pipe-timeout")
        },
        OptionSpec(
            ["--scan"],
            help: """
                List all keys using the SCAN command (with -c, on every master).
                """
        ) { p, _ throws(RcliError) in
            p.config.scan = true
        },
        OptionSpec(
            ["--pattern"], value: "pat",
            help: """
                Keys pattern when using the --scan, --bigkeys or --hotkeys
                options (default: *).
                """
        ) { p, v throws(RcliError) in
            p.config.scanPattern = Array(v.utf8)
        },
        OptionSpec(
            ["--quoted-pattern"], value: "pat",
            help: """
                Same as --pattern, but the specified string can be
                quoted, in order to pass an otherwise non binary-safe string.
                """
        ) { p, v throws(RcliError) in
            guard let split = CommandLineSplitter.split(Array(v.utf8)), split.count == 1 else {
                throw RcliError.usage("Invalid quoted string specified for --quoted-pattern.")
            }
            p.config.scanPattern = split[0]
        },
        OptionSpec(
            ["--count"], value: "count",
            help: """
                Count option when using the --scan, --bigkeys or --hotkeys (default: 1000).
                """
        ) { p, v throws(RcliError) in
            let n = try OptionValues.integer(v, option: "--count")
            guard n > 0 else {
                throw RcliError.usage("Invalid value for --count: '\(v)' (expected a positive integer)")
            }
            p.config.scanCount = Int(n)
        },
    ]

    static let tools: [OptionSpec] = [
        OptionSpec(
            ["--stat"],
            help: """
                Print rolling stats about server: mem, clients, ... (-i sets
                the interval, default 1 second; with -c, one line per master).
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .stat
        },
        OptionSpec(
            ["--latency"],
            help: """
                Enter a special mode continuously sampling latency.
                If you use this mode in an interactive session it runs
                forever displaying real-time stats. Otherwise if --raw or
                --csv is specified, or if you redirect the output to a non
                TTY, it samples the latency for 1 second (you can use
                -i to change the interval), then produces a single output
                and exits.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .latency(.running)
        },
        OptionSpec(
            ["--latency-history"],
            help: """
                Like --latency but tracking latency changes over time.
                Default time interval is 15 sec. Change it using -i.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .latency(.history)
        },
        OptionSpec(
            ["--latency-dist"],
            help: """
                Shows latency as a spectrum, requires xterm 256 colors.
                Default time interval is 1 sec. Change it using -i.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .latency(.distribution)
        },
        OptionSpec(
            ["--latency-percentiles"], value: "list",
            help: """
                With --latency or --latency-history, also show these
                percentiles, e.g. 50,99,99.9 (times then in ms to the microsecond).
                """
        ) { p, v throws(RcliError) in
            guard let list = LatencyPercentiles.parse(v) else {
                throw RcliError.usage(
                    "Invalid value for --latency-percentiles: '\(v)' (expected numbers from 0 to 100, e.g. 50,99,99.9)")
            }
            p.config.latencyPercentiles = list
        },
        OptionSpec(["--lru-test"], value: "keys", help: "Simulate a cache workload with an 80-20 distribution.") {
            p, v throws(RcliError) in
            // At most 2^53: the key draw works in doubles.
            guard let n = Int64(v), n > 0, n <= 1 << 53 else {
                throw RcliError.usage(
                    "Invalid value for --lru-test: '\(v)' (expected a number of keys from 1 to 9007199254740992)")
            }
            p.config.toolMode = .lruTest(keys: n)
        },
        OptionSpec(
            ["--replica", "--slave"],
            help: """
                Simulate a replica showing commands received from the master.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .replica
        },
        OptionSpec(
            ["--rdb"], value: "filename",
            help: """
                Transfer an RDB dump from remote server to local file.
                Use filename of "-" to write to stdout.
                """, completion: .file
        ) { p, v throws(RcliError) in
            p.config.toolMode = .rdb(path: v, functionsOnly: false)
        },
        OptionSpec(
            ["--functions-rdb"], value: "filename",
            help: """
                Like --rdb but only get the functions (not the keys)
                when getting the RDB dump file.
                """, completion: .file
        ) { p, v throws(RcliError) in
            p.config.toolMode = .rdb(path: v, functionsOnly: true)
        },
        OptionSpec(
            ["--bigkeys"],
            help: """
                Sample Redis keys looking for keys with many elements (complexity)
                (with -c, the whole cluster; --replica-reads reads replicas).
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .keyStats(.size)
        },
        OptionSpec(
            ["--memkeys"],
            help: """
                Sample Redis keys looking for keys consuming a lot of memory.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .keyStats(.memory)
        },
        OptionSpec(
            ["--memkeys-samples"], value: "n",
            help: """
                Sample Redis keys looking for keys consuming a lot of memory.
                And define number of key elements to sample
                """
        ) { p, v throws(RcliError) in
            // redis-cli 7.4's words (7.0 read junk as 0).
            guard let n = Int64(v) else { throw RcliError.usage("--memkeys-samples conversion error.") }
            guard n >= 0 else { throw RcliError.usage("--memkeys-samples value should be positive.") }
            p.config.memkeysSamples = Int(n)
            p.config.toolMode = .keyStats(.memory)
        },
        OptionSpec(
            ["--keystats"],
            help: """
                Sample Redis keys looking for keys memory size and length
                (combine bigkeys and memkeys).
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .keyDistribution
        },
        OptionSpec(
            ["--keystats-samples"], value: "n",
            help: """
                Sample Redis keys looking for keys memory size and length.
                And define number of key elements to sample (only for memory usage).
                """
        ) { p, v throws(RcliError) in
            guard let n = Int64(v) else { throw RcliError.usage("--keystats-samples conversion error.") }
            guard n >= 0 else { throw RcliError.usage("--keystats-samples value should be positive.") }
            p.config.memkeysSamples = Int(n)
            p.config.toolMode = .keyDistribution
        },
        OptionSpec(
            ["--cursor"], value: "n",
            help: """
                Start the scan at the cursor <n> (usually after a Ctrl-C).
                Optionally used with --keystats and --keystats-samples.
                """
        ) { p, v throws(RcliError) in
            if v.hasPrefix("-"), Int64(v) != nil {
                throw RcliError.usage("--cursor should be followed by a positive integer.")
            }
            guard let n = UInt64(v) else { throw RcliError.usage("--cursor conversion error.") }
            p.config.scanCursor = n
        },
        OptionSpec(
            ["--top"], value: "n",
            help: """
                To display <n> top key sizes (default: 10).
                Optionally used with --keystats and --keystats-samples.
                """
        ) { p, v throws(RcliError) in
            guard let n = Int64(v) else { throw RcliError.usage("--top conversion error.") }
            // redis-cli 7.4.1 takes 0 (an empty top list).
            guard n >= 0 else { throw RcliError.usage("--top should be followed by a positive integer.") }
            p.config.keystatsTop = Int(n)
        },
        OptionSpec(
            ["--hotkeys"],
            help: """
                Sample Redis keys looking for hot keys.
                only works when maxmemory-policy is *lfu.
                """
        ) { p, _ throws(RcliError) in
            p.config.toolMode = .keyStats(.frequency)
        },
        OptionSpec(
            ["--intrinsic-latency"], value: "sec",
            help: """
                Run a test to measure intrinsic system latency.
                The test will run for the specified amount of seconds.
                """
        ) { p, v throws(RcliError) in
            let n = try OptionValues.integer(v, option: "--intrinsic-latency")
            guard n > 0 else {
                throw RcliError.usage(
                    "Invalid value for --intrinsic-latency: '\(v)' (expected a positive number of seconds)")
            }
            p.config.toolMode = .intrinsicLatency(seconds: Int(n))
        },
    ]

    static let eval: [OptionSpec] = [
        OptionSpec(
            ["--eval"], value: "file",
            help: """
                Send an EVAL command using the Lua script at <file>:
                keys, then a lone comma, then arguments follow.
                """, completion: .file
        ) { p, v throws(RcliError) in
            p.config.evalFile = v
        },
        OptionSpec(["--ldb"], help: "Used with --eval enable the Redis Lua debugger.") { p, _ throws(RcliError) in
            p.config.luaDebugger = .forked
        },
        OptionSpec(
            ["--ldb-sync-mode"],
            help: """
                Like --ldb but uses the synchronous Lua debugger, in
                this mode the server is blocked and script changes are
                not rolled back from the server memory.
                """
        ) { p, _ throws(RcliError) in
            p.config.luaDebugger = .sync
        },
    ]
}
