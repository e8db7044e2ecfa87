import RedisNet

/// Parses argv the way redis-cli does: options first, the first word not starting with `-`
/// begins the command.
package enum OptionParser {
    private static let byName: [String: OptionSpec] = {
        var map: [String: OptionSpec] = [:]
        for spec in OptionTable.all {
            for name in spec.names { map[name] = spec }
        }
        return map
    }()

    /// Parses `arguments` (without the program name) with `environment` for REDISCLI_AUTH (or
    /// VALKEYCLI_AUTH). A
    /// profile (`@name`, `--profile name`) is read from `configFile` and applied first, so the
    /// command line overrides it.
    package static func parse(
        _ arguments: [String], environment: [String: String],
        configFile: ([String: String]) throws(RcliError) -> ConfigFile = ConfigFile.load
    ) throws(RcliError) -> ParsedCommandLine {
        var parsed = try parse(arguments, onto: ParsedCommandLine())
        if parsed.action == .run, let name = parsed.config.profileName {
            let file = try configFile(environment)
            var base = ParsedCommandLine()
            try file.profile(named: name).apply(to: &base, file: file.path, paths: file.paths)
            parsed = try parse(arguments, onto: base)
        }
        if parsed.action == .run { try validate(&parsed, environment: environment) }
        return parsed
    }

    /// Names the profile to use; a second, different one is an error.
    static func useProfile(_ name: String, in parsed: inout ParsedCommandLine) throws(RcliError) {
        guard ConfigFile.isValidName(name) else {
            throw RcliError.usage("Invalid profile name '\(name)' (letters, digits, '.', '_' and '-')")
        }
        if let other = parsed.config.profileName, other != name {
            throw RcliError.usage("Two profiles given: '\(other)' and '\(name)'")
        }
        parsed.config.profileName = name
    }

    private static func parse(_ arguments: [String], onto start: ParsedCommandLine) throws(RcliError)
        -> ParsedCommandLine
    {
        var parsed = start
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            // `--cluster <subcommand>` takes the words that follow (options may come between).
            if !arg.hasPrefix("-"), var manager = parsed.config.clusterManager, !manager.subcommand.isEmpty {
                manager.args.append(arg)
                parsed.config.clusterManager = manager
                i += 1
                continue
            }
            // `@name` before the command: a profile (no Redis command starts with '@').
            if arg.hasPrefix("@") {
                try useProfile(String(arg.dropFirst()), in: &parsed)
                i += 1
                continue
            }
            guard arg.hasPrefix("-") else { break }
            // `--cluster` with nothing after it: the usage on stderr and exit 1, as redis-cli.
            if arg == "--cluster" && i + 1 >= arguments.count {
                throw RcliError.usage(String(HelpText.usage().dropLast()))
            }
            guard let spec = byName[arg], !(spec.takesValue && i + 1 >= arguments.count) else {
                throw RcliError.usage("Unrecognized option or bad number of args for: '\(arg)'")
            }
            var values = [spec.takesValue ? arguments[i + 1] : ""]
            i += spec.takesValue ? 2 : 1
            if let more = spec.moreValues {
                while i < arguments.count, !arguments[i].hasPrefix("--"), more(arguments[i]) {
                    values.append(arguments[i])
                    i += 1
                }
            }
            for value in values { try spec.apply(&parsed, value) }
            if parsed.action != .run {
                // The words after `--generate commands` are the servers' ports.
                parsed.command = Array(arguments[i...])
                return parsed
            }
        }
        parsed.command = Array(arguments[i...])
        return parsed
    }

    private static func validate(_ parsed: inout ParsedCommandLine, environment: [String: String]) throws(RcliError) {
        var config = parsed.config
        if config.luaDebugger != nil && config.evalFile == nil {
            throw RcliError.usage(
                "Options --ldb and --ldb-sync-mode require --eval.\nTry \(Voice.current.selfName) --help for more "
                    + "information.")
        }
        if !config.latencyPercentiles.isEmpty && config.toolMode != .latency(.running)
            && config.toolMode != .latency(.history)
        {
            throw RcliError.usage("--latency-percentiles needs --latency or --latency-history")
        }
        if config.lastArgumentFromStdin && config.stdinTag != nil {
            throw RcliError.usage("Options -x and -X are mutually exclusive.")
        }
        if config.askPassword {
            config.password = nil
            config.passwordOnCommandLine = false
            config.passwordCommand = nil
        } else if config.password == nil, config.passwordCommand == nil,
            let env = CLIEnvironment.value("AUTH", in: environment)
        {
            // A profile's password (or password-command) is chosen on the command line, so it wins
            // over the environment's.
            config.password = env
        }
        if config.password != nil { config.passwordCommand = nil }
        try validateSentinel(&config, environment: environment)
        // `--cluster-*` options without `--cluster <subcommand>` do nothing, as in redis-cli
        // (`redis-cli --cluster-yes ping` pings).
        if config.clusterManager?.subcommand.isEmpty == true { config.clusterManager = nil }
        parsed.config = config
    }

    /// `--sentinel`: its companions need it, it excludes `-c`, `-s` and `--cluster`; the sentinels'
    /// password may come from REDISCLI_SENTINEL_AUTH; without `-p` the sentinels' port is 26379.
    private static func validateSentinel(_ config: inout CLIConfiguration, environment: [String: String])
        throws(RcliError)
    {
        guard config.sentinel.master != nil else {
            if config.sentinel.anyGiven {
                let companions = "--sentinel-addr, --sentinel-replica, --sentinel-user and --sentinel-pass"
                throw RcliError.usage(companions + " need --sentinel <master-name>")
            }
            return
        }
        if config.cluster {
            throw RcliError.usage("--sentinel and -c cannot be used together (a cluster fails over by itself)")
        }
        if config.socketPath != nil {
            throw RcliError.usage("--sentinel: sentinels are reached over TCP (-h/-p, --sentinel-addr), not -s")
        }
        if config.clusterManager != nil {
            throw RcliError.usage("--sentinel and --cluster cannot be used together")
        }
        if config.sentinel.password == nil, let env = CLIEnvironment.value("SENTINEL_AUTH", in: environment) {
            config.sentinel.password = env
        }
        if !config.sentinel.portGiven { config.port = 26379 }
    }
}
