import Cluster

/// The one table of command-line options, in `--help` order.
package enum OptionTable {
    /// Every option rcli knows.
    package static let all: [OptionSpec] =
        connection + profiles + protocolAndRepeat + cluster + sentinel + tls + output + modes + eval + tools
        + clusterManager + misc

    static let connection: [OptionSpec] = [
        OptionSpec(["-h"], value: "hostname", help: "Server hostname (default: 127.0.0.1).", completion: .host) {
            p, v throws(RcliError) in
            p.config.host = v
            p.config.sentinel.serverGiven = true
        },
        OptionSpec(["-p"], value: "port", help: "Server port (default: 6379).") { p, v throws(RcliError) in
            p.config.port = try OptionValues.port(v, option: "-p")
            p.config.sentinel.serverGiven = true
            p.config.sentinel.portGiven = true
        },
        OptionSpec(["-s"], value: "socket", help: "Server socket (overrides hostname and port).", completion: .file) {
            p, v throws(RcliError) in
            p.config.socketPath = v
        },
        OptionSpec(
            ["-a"], value: "password",
            help: """
                Password to use when connecting to the server.
                You can also use the REDISCLI_AUTH (or VALKEYCLI_AUTH)
                environment variable to pass this password more safely
                (if both are used, this argument takes precedence).
                """
        ) { p, v throws(RcliError) in
            p.config.password = v
            p.config.passwordOnCommandLine = true
        },
        OptionSpec(["--user"], value: "username", help: "Used to send ACL style 'AUTH username pass'. Needs -a.") {
            p, v throws(RcliError) in
            p.config.user = v
        },
        OptionSpec(["--pass"], value: "password", help: "Alias of -a for consistency with the new --user option.") {
            p, v throws(RcliError) in
            p.config.password = v
            p.config.passwordOnCommandLine = true
        },
        OptionSpec(
            ["--askpass"],
            help: """
                Force user to input password with mask from the terminal.
                If this argument is used, '-a' and REDISCLI_AUTH
                (VALKEYCLI_AUTH) environment variables will be ignored.
                """
        ) { p, _ throws(RcliError) in
            p.config.askPassword = true
        },
        OptionSpec(
            ["-u"], value: "uri",
            help: """
                Server URI: redis://[user[:password]@]host[:port][/db],
                unix://[user[:password]@]/path/to/socket[?db=N].
                rediss:// for TLS; valkey:// and valkeys:// are the same.
                """
        ) { p, v throws(RcliError) in
            try RedisURI.apply(v, to: &p.config)
            p.config.sentinel.serverGiven = true
            p.config.sentinel.portGiven = true
        },
        OptionSpec(
            ["-t"], value: "timeout",
            help: """
                Server connection timeout in seconds (decimals allowed).
                Default timeout is 0, meaning no limit, depending on the OS.
                """
        ) { p, v throws(RcliError) in
            // redis-cli 7.4's words.
            guard let t = Double(v), t.isFinite, t >= 0 else {
                throw RcliError.usage("Invalid connection timeout for -t.")
            }
            p.config.connectTimeout = t > 0 ? t : nil
        },
        OptionSpec(["-4"], help: "Prefer IPv4 over IPv6 on DNS lookup.") { p, _ throws(RcliError) in
            guard p.config.addressFamily != .ipv6 else {
                throw RcliError.usage("Options -4 and -6 are mutually exclusive.")
            }
            p.config.addressFamily = .ipv4
        },
        OptionSpec(["-6"], help: "Prefer IPv6 over IPv4 on DNS lookup.") { p, _ throws(RcliError) in
            guard p.config.addressFamily != .ipv4 else {
                throw RcliError.usage("Options -4 and -6 are mutually exclusive.")
            }
            p.config.addressFamily = .ipv6
        },
        OptionSpec(["--name"], value: "name", help: "Set the client name.") { p, v throws(RcliError) in
            p.config.clientName = v
        },
    ]

    static let protocolAndRepeat: [OptionSpec] = [
        OptionSpec(["-r"], value: "repeat", help: "Execute specified command N times (negative: forever).") {
            p, v throws(RcliError) in
            p.config.repeatCount = try OptionValues.integer(v, option: "-r")
        },
        OptionSpec(
            ["-i"], value: "interval",
            help: """
                When -r is used, waits <interval> seconds per command.
                It is possible to specify sub-second times like -i 0.1.
                """
        ) { p, v throws(RcliError) in
            p.config.interval = try OptionValues.seconds(v, option: "-i")
        },
        OptionSpec(["-n"], value: "db", help: "Database number.") { p, v throws(RcliError) in
            let n = try OptionValues.integer(v, option: "-n")
            guard n >= 0, n <= Int64(Int32.max) else { throw RcliError.usage("Invalid database number for -n: '\(v)'") }
            p.config.database = Int(n)
        },
        OptionSpec(["-2"], help: "Start session in RESP2 protocol mode.") { p, _ throws(RcliError) in
            p.config.protocolVersion = 2
        },
        OptionSpec(["-3"], help: "Start session in RESP3 protocol mode.") { p, _ throws(RcliError) in
            p.config.protocolVersion = 3
        },
        OptionSpec(["-x"], help: "Read last argument from STDIN (see example below).") { p, _ throws(RcliError) in
            p.config.lastArgumentFromStdin = true
        },
        OptionSpec(["-X"], value: "tag", help: "Read <tag> argument from STDIN (see example below).") {
            p, v throws(RcliError) in
            p.config.stdinTag = v
        },
        OptionSpec(
            ["-d"], value: "delimiter", help: "Delimiter between response bulks for raw formatting (default: \\n)."
        ) { p, v throws(RcliError) in
            p.config.elementDelimiter = Array(v.utf8)
        },
        OptionSpec(["-D"], value: "delimiter", help: "Delimiter between responses for raw formatting (default: \\n).") {
            p, v throws(RcliError) in
            p.config.replyDelimiter = Array(v.utf8)
        },
        OptionSpec(
            ["-e"],
            help: """
                Return exit error code when command execution fails.
                In a stdin script, no command after a failing one runs.
                """
        ) { p, _ throws(RcliError) in
            p.config.exitOnError = true
        },
    ]

    static let cluster: [OptionSpec] = [
        OptionSpec(["-c"], help: "Enable cluster mode (follow -ASK and -MOVED redirections).") {
            p, _ throws(RcliError) in
            p.config.cluster = true
        },
        OptionSpec(
            ["--replica-reads"],
            help: """
                With -c, send read-only commands to a replica of the key's
                shard (READONLY is sent for you); writes go to the master.
                """
        ) { p, _ throws(RcliError) in
            p.config.replicaReads = true
        },
        OptionSpec(
            ["--reply-timeout"], value: "seconds",
            help: """
                With -c, give up on a node that owes a reply for this long
                (default 30; blocking commands such as BLPOP are exempt).
                """
        ) { p, v throws(RcliError) in
            let t = try OptionValues.seconds(v, option: "--reply-timeout")
            guard t > 0 else {
                throw RcliError.usage(
                    "Invalid value for --reply-timeout: '\(v)' (expected a positive number of seconds)")
            }
            p.config.replyTimeout = t
        },
        OptionSpec(
            ["--retry-budget"], value: "seconds",
            help: """
                With -c, how long a command is retried through a failover
                (TRYAGAIN, CLUSTERDOWN, an unreachable master; default 20).
                A shard that fails for that long is given up: its commands
                then fail at once until a probe (at most one a second) sees
                it serve again; other shards are not slowed.
                """
        ) { p, v throws(RcliError) in
            let t = try OptionValues.seconds(v, option: "--retry-budget")
            guard t >= 0 else {
                throw RcliError.usage(
                    "Invalid value for --retry-budget: '\(v)' (expected a number of seconds, 0 or more)")
            }
            p.config.retryBudget = t
        },
        OptionSpec(
            ["--retry-writes"],
            help: """
                With -c, also send again writes whose connection was lost
                after they were sent (reads always are). At-least-once: a
                write may then apply twice (INCR, LPUSH ...).
                """
        ) { p, _ throws(RcliError) in
            p.config.retryWrites = true
        },
        OptionSpec(
            ["--nat-map"], value: "from=to,...",
            help: """
                With -c, rewrite node addresses the cluster announces, e.g.
                10.0.1.5:6379=127.0.0.1:7001 or 10.0.1.5=bastion (host only).
                """
        ) { p, v throws(RcliError) in
            switch Result(catching: { () throws(NatMapError) in try NatMap(parsing: v) }) {
            case .success(let map): p.config.natMap = map
            case .failure(let e): throw RcliError.usage(e.description)
            }
        },
    ]

    static let tls: [OptionSpec] = [
        OptionSpec(["--tls"], help: "Establish a secure TLS connection.") { p, _ throws(RcliError) in
            p.config.tls = true
        },
        OptionSpec(
            ["--sni"], value: "host",
            help: """
                Server name indication for TLS, and the name the server's
                certificate must carry (default: the host connected to).
                """, completion: .host
        ) { p, v throws(RcliError) in
            p.config.tlsSNI = v
        },
        OptionSpec(["--cacert"], value: "file", help: "CA Certificate file to verify with.", completion: .file) {
            p, v throws(RcliError) in
            p.config.tlsOptions.caFile = v
        },
        OptionSpec(
            ["--cacertdir"], value: "dir",
            help: """
                Directory where trusted CA certificates are stored.
                If neither cacert nor cacertdir are specified, the default
                system-wide trusted root certs configuration will apply.
                """, completion: .directory
        ) { p, v throws(RcliError) in
            p.config.tlsOptions.caDirectory = v
        },
        OptionSpec(["--insecure"], help: "Allow insecure TLS connection by skipping cert validation.") {
            p, _ throws(RcliError) in
            p.config.tlsOptions.insecure = true
        },
        OptionSpec(["--cert"], value: "file", help: "Client certificate to authenticate with.", completion: .file) {
            p, v throws(RcliError) in
            p.config.tlsOptions.certFile = v
        },
        OptionSpec(["--key"], value: "file", help: "Private key file to authenticate with.", completion: .file) {
            p, v throws(RcliError) in
            p.config.tlsOptions.keyFile = v
        },
        OptionSpec(
            ["--tls-ciphers"], value: "list",
            help: """
                Sets the list of preferred ciphers (TLSv1.2 and below)
                See the ciphers(1ssl) manpage for more information about the syntax of this string.
                """
        ) { p, v throws(RcliError) in
            p.config.tlsOptions.ciphers = v
        },
        OptionSpec(
            ["--tls-ciphersuites"], value: "list",
            help: """
                Sets the list of preferred ciphersuites (TLSv1.3)
                See the ciphers(1ssl) manpage for more information about the syntax of this string,
                and specifically for TLSv1.3 ciphersuites.
                """
        ) { p, v throws(RcliError) in
            p.config.tlsOptions.cipherSuites = v
        },
        OptionSpec(
            ["--tls-name-from-seed"],
            help: """
                With -c and --tls, check nodes the cluster announces by IP
                address against the seed's name (--sni or -h), as for
                ElastiCache configuration endpoints.
                """
        ) { p, _ throws(RcliError) in
            p.config.tlsNameFromSeed = true
        },
    ]

    static let output: [OptionSpec] = [
        OptionSpec(["--raw"], help: "Use raw formatting for replies (default when STDOUT is\nnot a tty).") {
            p, _ throws(RcliError) in
            p.config.outputFormat = .raw
        },
        OptionSpec(["--no-raw"], help: "Force formatted output even when STDOUT is not a tty.") {
            p, _ throws(RcliError) in
            p.config.outputFormat = .tty
        },
        OptionSpec(["--quoted-input"], help: "Force input to be handled as quoted strings.") { p, _ throws(RcliError) in
            p.config.quotedInput = true
        },
        OptionSpec(["--csv"], help: "Output in CSV format.") { p, _ throws(RcliError) in
            p.config.outputFormat = .csv
        },
        OptionSpec(
            ["--json"],
            help: """
                Output in JSON format (default RESP3, use -2 if you want to use with RESP2).
                INFO, CLUSTER NODES|INFO|REPLICAS, CLIENT LIST|INFO and MEMORY STATS
                print objects (JSON OUTPUT in rcli(1)); --raw gives their text.
                """
        ) {
            p, _ throws(RcliError) in
            p.config.outputFormat = .json
        },
        OptionSpec(["--quoted-json"], help: "Same as --json, but produce ASCII-safe quoted strings, not Unicode.") {
            p, _ throws(RcliError) in
            p.config.outputFormat = .quotedJSON
        },
        OptionSpec(
            ["--show-pushes"], value: "yn",
            help: """
                Whether to print RESP3 PUSH messages.  Enabled by default when
                STDOUT is a tty but can be overridden with --show-pushes no.
                """, completion: .choices(["yes", "no"])
        ) { p, v throws(RcliError) in
            p.config.showPushes = try OptionValues.yesNo(v, option: "--show-pushes")
        },
    ]

    static let misc: [OptionSpec] = [
        OptionSpec(["--verbose"], help: "Verbose mode.") { p, _ throws(RcliError) in
            p.config.verbose = true
        },
        OptionSpec(
            ["--no-auth-warning"], help: "Don't show warning message when using password on command\nline interface."
        ) { p, _ throws(RcliError) in
            p.config.noAuthWarning = true
        },
        OptionSpec(
            ["--no-confirm"],
            help: "In the shell, run risky commands (FLUSHALL, FLUSHDB, SHUTDOWN, CLUSTER RESET|FAILOVER,\n"
                + "DEBUG SEGFAULT|RELOAD|..., SCRIPT|FUNCTION FLUSH, CONFIG SET dir|dbfilename, KEYS on\n"
                + "more than 100000 keys) without asking first."
        ) { p, _ throws(RcliError) in
            p.config.confirmDangerous = false
        },
        OptionSpec(
            ["--pager"],
            help: "In the shell on a terminal, show replies taller than the screen through a pager\n"
                + "($RCLI_PAGER, $PAGER, else less -FRX). Also ':pager on|off' in the shell."
        ) { p, _ throws(RcliError) in
            p.config.pager = true
        },
        OptionSpec(
            ["--no-idle-scan"],
            help: "In the shell, do not scan key names while the prompt waits. Without it, an idle prompt\n"
                + "scans every server (each master with -c) in small SCAN steps, up to 2,000,000 names or\n"
                + "64 MiB, kept 60 s, so Tab completes any key at once. Also a profile's 'idle-scan = no'."
        ) { p, _ throws(RcliError) in
            p.config.idleKeyScan = false
        },
        OptionSpec(
            ["--test_hint"], value: "line", help: "Print the shell's hint for <line> (redis-cli's test hook).",
            hidden: true
        ) { p, v throws(RcliError) in
            p.config.testHint = v
        },
        OptionSpec(
            ["--test_hint_file"], value: "file",
            help: "Check the \"<line>\" \"<expected hint>\" pairs in <file> (redis-cli's test hook).",
            completion: .file, hidden: true
        ) { p, v throws(RcliError) in
            p.config.testHintFile = v
        },
        OptionSpec(["--help"], help: "Output this help and exit.") { p, _ throws(RcliError) in
            p.action = .help
        },
        OptionSpec(["--version", "-v"], help: "Output version and exit.") { p, _ throws(RcliError) in
            p.action = .version
        },
        OptionSpec(
            ["--generate"], value: "what", help: "Print the man page, a shell completion or the command table.",
            completion: .choices(["man", "bash", "zsh", "fish", "commands"]), hidden: true
        ) { p, v throws(RcliError) in
            guard ["man", "bash", "zsh", "fish", "commands"].contains(v) else {
                throw RcliError.usage("--generate takes man, bash, zsh, fish or commands")
            }
            p.action = .generate(v)
        },
    ]
}
