/// One `[name]` section of the config file: its `key = value` lines, applied to a fresh
/// command line before argv so that flags override them.
package struct Profile: Sendable, Equatable {
    /// One `key = value` line.
    package struct Setting: Sendable, Equatable {
        /// The key (a long option's name: `port`, `cacert`, `replica-reads` ...).
        package var key: String
        /// The value, trimmed (and unquoted when it was in double quotes).
        package var value: String
        /// Its line in the file (from 1).
        package var line: Int
    }

    /// The section's name (`prod` for `[prod]`).
    package var name: String
    /// The line of its `[name]` header.
    package var line: Int
    /// Its settings in file order.
    package var settings: [Setting] = []

    /// Keys that set an option of the table, by the option's spelling; their values are checked
    /// as the option checks them.
    static let optionKeys: [String: String] = [
        "uri": "-u", "host": "-h", "port": "-p", "socket": "-s", "user": "--user", "db": "-n", "timeout": "-t",
        "cacert": "--cacert", "cacertdir": "--cacertdir", "cert": "--cert", "key": "--key", "sni": "--sni",
        "tls-ciphers": "--tls-ciphers", "tls-ciphersuites": "--tls-ciphersuites", "nat-map": "--nat-map",
        "reply-timeout": "--reply-timeout", "retry-budget": "--retry-budget", "sentinel": "--sentinel",
        "sentinel-addr": "--sentinel-addr", "sentinel-user": "--sentinel-user",
    ]

    /// Keys whose value is a file or directory: `~/` is the home directory, and a relative path
    /// is relative to the config file's directory.
    static let pathKeys: Set<String> = ["socket", "cacert", "cacertdir", "cert", "key"]

    /// Keys that take yes or no.
    static let switchKeys: [String: @Sendable (inout CLIConfiguration, Bool) -> Void] = [
        "tls": { $0.tls = $1 }, "insecure": { $0.tlsOptions.insecure = $1 }, "cluster": { $0.cluster = $1 },
        "replica-reads": { $0.replicaReads = $1 }, "retry-writes": { $0.retryWrites = $1 },
        "tls-name-from-seed": { $0.tlsNameFromSeed = $1 }, "confirm": { $0.confirmDangerous = $1 },
        "sentinel-replica": { $0.sentinel.replica = $1 },
        "idle-scan": { $0.idleKeyScan = $1 },
    ]

    /// Every key a profile may hold, sorted (for the unknown-key message and the man page).
    package static var keys: [String] {
        (Array(optionKeys.keys) + Array(switchKeys.keys) + [
            "password", "password-command", "resp", "prompt-color", "sentinel-password",
        ])
        .sorted()
    }

    /// Where relative paths in a profile are resolved.
    package struct Paths: Sendable {
        /// The home directory, for `~/`.
        package var home: String?
        /// The directory holding the config file.
        package var directory: String

        /// Paths from `home` and the config file's directory.
        package init(home: String?, directory: String) {
            self.home = home
            self.directory = directory
        }
    }

    /// Applies the settings to `parsed`; a bad value is a usage error naming `file`, the line and
    /// the key (never a password).
    package func apply(to parsed: inout ParsedCommandLine, file: String, paths: Paths) throws(RcliError) {
        parsed.config.profileName = name
        for setting in settings {
            do throws(RcliError) {
                try apply(setting, to: &parsed, paths: paths)
            } catch {
                throw RcliError.usage("\(file):\(setting.line): '\(setting.key)': \(error.text)")
            }
        }
        if parsed.config.password != nil, parsed.config.passwordCommand != nil {
            let line = settings.last { $0.key == "password-command" }?.line ?? line
            throw RcliError.usage(
                "\(file):\(line): profile '\(name)' has both a password (password or uri) and a password-command")
        }
    }

    private func apply(_ setting: Setting, to parsed: inout ParsedCommandLine, paths: Paths) throws(RcliError) {
        let value = setting.value
        if let option = Self.optionKeys[setting.key] {
            guard let spec = OptionTable.all.first(where: { $0.names.contains(option) }) else { return }
            try spec.apply(&parsed, Self.pathKeys.contains(setting.key) ? resolve(value, paths) : value)
            // A profile's password is not typed on the command line: no warning for it.
            parsed.config.passwordOnCommandLine = false
            return
        }
        if let set = Self.switchKeys[setting.key] {
            set(&parsed.config, try Self.switchValue(value))
            return
        }
        switch setting.key {
        case "password": parsed.config.password = value
        case "password-command": parsed.config.passwordCommand = value
        case "sentinel-password": parsed.config.sentinel.password = value
        case "resp":
            guard value == "2" || value == "3" else { throw RcliError.usage("expected 2 or 3, not '\(value)'") }
            parsed.config.protocolVersion = value == "2" ? 2 : 3
        case "prompt-color":
            guard let color = PromptColor(rawValue: value.lowercased()) else {
                throw RcliError.usage("unknown colour '\(value)' (one of \(PromptColor.names))")
            }
            parsed.config.promptColor = color
        default:
            throw RcliError.usage("unknown key (keys: \(Self.keys.joined(separator: ", ")))")
        }
    }

    private static func switchValue(_ value: String) throws(RcliError) -> Bool {
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw RcliError.usage("expected yes or no, not '\(value)'")
        }
    }

    private func resolve(_ path: String, _ paths: Paths) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/"), let home = paths.home { return home + path.dropFirst() }
        return paths.directory + "/" + path
    }
}
