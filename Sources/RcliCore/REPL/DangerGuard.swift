/// Commands the shell asks about before running them on a terminal: they wipe data, stop or
/// crash the server, or change where it persists. `KEYS` is asked about only on a large
/// database (it blocks the server while it walks every key).
enum DangerGuard {
    /// Why a command is asked about.
    enum Risk: Equatable {
        /// Always asked (its words, e.g. `CLUSTER RESET`).
        case always(String)
        /// Asked when the database holds more keys than this.
        case keysOver(Int)
    }

    /// The database size above which `KEYS` is asked about.
    static let keysThreshold = 100_000

    private static let debugSubcommands: Set<String> = [
        "segfault", "panic", "assert", "reload", "restart", "crash-and-recover", "oom", "loadaof", "flushall",
    ]

    /// The risk of running `args`, nil for an ordinary command.
    static func risk(_ args: [[UInt8]]) -> Risk? {
        guard let first = args.first else { return nil }
        let name = CommandTraits.lower(first)
        let sub = args.count > 1 ? CommandTraits.lower(args[1]) : ""
        switch name {
        case "shutdown":
            // SHUTDOWN ABORT stops a shutdown in progress: nothing to ask.
            return args.dropFirst().contains { CommandTraits.lower($0) == "abort" } ? nil : .always("SHUTDOWN")
        case "flushall", "flushdb":
            return .always(name.uppercased())
        case "keys":
            return .keysOver(keysThreshold)
        case "cluster" where sub == "reset" || sub == "failover",
            "script" where sub == "flush",
            "function" where sub == "flush",
            "debug" where debugSubcommands.contains(sub):
            return .always(name.uppercased() + " " + sub.uppercased())
        case "config" where sub == "set":
            // CONFIG SET name value [name value ...]: the persistence location.
            var i = 2
            while i < args.count {
                let parameter = CommandTraits.lower(args[i])
                if parameter == "dir" || parameter == "dbfilename" {
                    return .always("CONFIG SET " + parameter)
                }
                i += 2
            }
            return nil
        default:
            return nil
        }
    }
}
