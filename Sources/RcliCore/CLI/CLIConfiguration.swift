import Cluster
import RedisNet

/// Everything the command line (and environment) configured; immutable once parsed.
package struct CLIConfiguration: Sendable {
    /// `-h`.
    package var host = "127.0.0.1"
    /// `-p`.
    package var port = 6379
    /// `-s`: a Unix socket path, which overrides host and port.
    package var socketPath: String?
    /// `--user`.
    package var user: String?
    /// `-a` / `--pass` / URI / `REDISCLI_AUTH`.
    package var password: String?
    /// True when the password came from argv (which earns redis-cli's warning).
    package var passwordOnCommandLine = false
    /// `--askpass`.
    package var askPassword = false
    /// `-n` or the URI's database.
    package var database = 0
    /// `-2` / `-3`; nil keeps the server default (RESP2), except `--json` which asks for 3.
    package var protocolVersion: Int?
    /// `-r`: how many times to run the command; negative runs forever.
    package var repeatCount: Int64 = 1
    /// `-i`: seconds to wait after each repeated command.
    package var interval: Double = 0
    /// `--latency-percentiles 50,99,99.9`: percentiles `--latency` / `--latency-history` show.
    package var latencyPercentiles: [Double] = []
    /// `-x`: read the last argument from stdin.
    package var lastArgumentFromStdin = false
    /// `-X`: the argument equal to this tag is replaced by stdin.
    package var stdinTag: String?
    /// `-d`: separates elements in raw output.
    package var elementDelimiter: [UInt8] = [10]
    /// `-D`: follows each reply in raw output.
    package var replyDelimiter: [UInt8] = [10]
    /// `-e`: a server error is a failure (exit status 1; stdin scripts stop there).
    package var exitOnError = false
    /// `-t`: connect timeout in seconds.
    package var connectTimeout: Double?
    /// `-4` / `-6`: which family of a host name's addresses is tried first.
    package var addressFamily = AddressFamily.any
    /// `--name`: the client name set on every connection.
    package var clientName: String?
    /// `--raw`, `--no-raw`, `--csv`, `--json`, `--quoted-json`; nil picks by stdout.
    package var outputFormat: OutputFormat?
    /// `--quoted-input`.
    package var quotedInput = false
    /// `--show-pushes`; nil shows them when stdout is a terminal.
    package var showPushes: Bool?
    /// `--no-auth-warning`.
    package var noAuthWarning = false
    /// The shell asks before risky commands (`--no-confirm`, or a profile's `confirm = false`, turn it off).
    package var confirmDangerous = true
    /// The shell scans key names while its prompt waits, for Tab (`--no-idle-scan`, or a
    /// profile's `idle-scan = no`, turn it off).
    package var idleKeyScan = true
    /// The shell pages replies taller than the screen (`--pager`, `:pager on|off`).
    package var pager = false
    /// `-c`: cluster mode.
    package var cluster = false
    /// `--reply-timeout`: with `-c`, seconds a node may owe a non-blocking reply.
    package var replyTimeout = 30.0
    /// `--replica-reads`: with `-c`, read-only commands go to replicas.
    package var replicaReads = false
    /// `--retry-budget`: seconds a command is retried in a cluster before its shard is given up.
    package var retryBudget = 20.0
    /// `--retry-writes`: writes whose connection was lost are sent again (at-least-once).
    package var retryWrites = false
    /// `--nat-map`: address rewriting for cluster nodes.
    package var natMap = NatMap()
    /// `--sentinel` and its companions: the master found through the sentinels.
    package var sentinel = SentinelOptions()
    /// `--tls` or a `rediss://` URI.
    package var tls = false
    /// `--cacert`, `--cert`, `--insecure` ... (used only with `tls`).
    package var tlsOptions = TLSOptions()
    /// `--sni`: SNI and the expected certificate name for the server given.
    package var tlsSNI: String?
    /// The name a node's certificate must carry when it is not the host connected to
    /// (`--tls-name-from-seed` for nodes announced by IP).
    package var tlsName: String?
    /// `--tls-name-from-seed`.
    package var tlsNameFromSeed = false
    /// `--eval <file>`: the command line's words are keys, `,`, arguments.
    package var evalFile: String?
    /// `--ldb` / `--ldb-sync-mode`: run `--eval`'s script under the server's Lua debugger.
    package var luaDebugger: LuaDebuggerKind?
    /// `--pipe`: raw protocol from stdin.
    package var pipe = false
    /// `--pipe-timeout`: seconds without a reply after the end of input (0: forever).
    package var pipeTimeout: Double = 30
    /// `--scan`.
    package var scan = false
    /// `--pattern` / `--quoted-pattern`.
    package var scanPattern: [UInt8]?
    /// `--count`: SCAN's COUNT (default 1000; redis-cli 7.0 sends none, so the server's 10).
    package var scanCount: Int?
    /// `--bigkeys`, `--stat`, `--rdb` ...: the tool mode asked for (the last one wins).
    package var toolMode: ToolMode?
    /// `--cluster <subcommand> ...` and its `--cluster-*` options.
    package var clusterManager: ClusterManagerRequest?
    /// `--memkeys-samples`: MEMORY USAGE's SAMPLES (nil: the server's default).
    package var memkeysSamples: Int?
    /// `--cursor`: where `--keystats` starts its SCAN.
    package var scanCursor: UInt64 = 0
    /// `--top`: how many of the biggest keys `--keystats` lists.
    package var keystatsTop: Int = 10
    /// `--verbose`.
    package var verbose = false
    /// `@name` / `--profile name`: the profile of the config file in use (shown in the prompt).
    package var profileName: String?
    /// The profile's `password-command`, run through /bin/sh when the connection needs the
    /// password and none came from the command line (cleared when one did).
    package var passwordCommand: String?
    /// The profile's `prompt-color`.
    package var promptColor: PromptColor?
    /// `--test_hint <line>` (hidden, redis-cli 7.2): print the shell's hint for a line.
    package var testHint: String?
    /// `--test_hint_file <file>` (hidden, redis-cli 7.2): check a file of line/hint pairs.
    package var testHintFile: String?

    /// An all-defaults configuration.
    package init() {}

    /// The protocol to negotiate: explicit `-2`/`-3`, else 3 for `--json`/`--quoted-json`.
    package var effectiveProtocol: Int {
        if let p = protocolVersion { return p }
        return outputFormat == .json || outputFormat == .quotedJSON ? 3 : 2
    }
}
