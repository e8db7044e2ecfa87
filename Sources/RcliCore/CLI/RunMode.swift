/// What this run of rcli does, decided once from the parsed command line.
package enum RunMode: Sendable, Equatable {
    /// `--help`.
    case help
    /// `--version`.
    case version
    /// `--generate man|bash|zsh|fish|commands` (regenerates committed files).
    case generate(String)
    /// `--list-profiles`.
    case listProfiles
    /// `--cluster <subcommand>`: the cluster manager (its own connections to every node).
    case clusterManager
    /// `--intrinsic-latency <seconds>`: no server involved.
    case intrinsicLatency(seconds: Int)
    /// `--bigkeys`, `--stat`, `--latency`, `--rdb`, `--replica` ...
    case tool(ToolMode)
    /// `--pipe`: raw protocol from stdin.
    case pipe
    /// `--scan`.
    case scan
    /// `--test_hint <line>` / `--test_hint_file <file>`: redis-cli's hidden hint test hooks.
    case hintTest
    /// `--eval <file> --ldb` (or `--ldb-sync-mode`): a Lua debugger session; the words are keys,
    /// `,`, arguments.
    case luaDebugger([String])
    /// A command on the command line (or `--eval`), run `-r` times.
    case command([String])
    /// The interactive shell (stdin is a terminal, or FAKETTY_WITH_PROMPT is set, and no command
    /// was given).
    case shell
    /// Commands read line by line from stdin.
    case script

    /// The mode `parsed` asks for; a combination that cannot work is a usage error.
    package static func resolve(_ parsed: ParsedCommandLine, stdinIsTerminal: Bool) -> Result<RunMode, RcliError> {
        switch parsed.action {
        case .help: return .success(.help)
        case .version: return .success(.version)
        case .generate(let what): return .success(.generate(what))
        case .listProfiles: return .success(.listProfiles)
        case .run: break
        }
        let config = parsed.config
        if config.clusterManager != nil { return .success(.clusterManager) }
        if let tool = config.toolMode {
            switch tool {
            case .intrinsicLatency(let seconds):
                return .success(.intrinsicLatency(seconds: seconds))
            case .rdb where config.cluster:
                return .failure(.usage("--rdb with -c: fetch one node's RDB at a time, without -c"))
            case .replica where config.cluster:
                return .failure(.usage("--replica with -c: follow one master at a time, without -c"))
            default:
                return .success(.tool(tool))
            }
        }
        if config.pipe { return .success(.pipe) }
        if config.scan { return .success(.scan) }
        if config.testHint != nil || config.testHintFile != nil { return .success(.hintTest) }
        if config.evalFile != nil, config.luaDebugger != nil { return .success(.luaDebugger(parsed.command)) }
        if !parsed.command.isEmpty || config.evalFile != nil { return .success(.command(parsed.command)) }
        return .success(stdinIsTerminal ? .shell : .script)
    }
}
