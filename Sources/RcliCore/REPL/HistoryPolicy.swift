/// Which lines must never reach the history file because they carry secrets: redis-cli 7.4's
/// list (AUTH; ACL SETUSER/GETUSER/DELUSER; CONFIG SET of requirepass, masterauth, masteruser,
/// the TLS key passphrases, and valkey's primaryauth/primaryuser; HELLO ... AUTH; MIGRATE ...
/// AUTH|AUTH2; SENTINEL CONFIG SET sentinel-pass|sentinel-user and SENTINEL SET name
/// auth-pass|auth-user). As in 7.4 such a line stays in the session's memory (Up arrow) and
/// is never written to the file.
package enum HistoryPolicy {
    /// True when `args` (a command line split into words, without a repeat count) may be saved.
    package static func mayRemember(_ args: [[UInt8]]) -> Bool {
        let words = args.map { CommandTraits.lower($0) }
        guard let first = words.first else { return true }
        switch first {
        case "auth":
            return false
        case "hello":
            return !words.dropFirst().contains("auth")
        case "migrate":
            return !words.contains("auth") && !words.contains("auth2")
        case "acl":
            return !(words.count > 1 && ["setuser", "getuser", "deluser"].contains(words[1]))
        case "config":
            guard words.count > 2, words[1] == "set" else { return true }
            let secrets: Set<String> = [
                "requirepass", "masterauth", "masteruser", "tls-key-file-pass", "tls-client-key-file-pass",
                "primaryauth", "primaryuser",
            ]
            return !words.dropFirst(2).contains { secrets.contains($0) }
        case "sentinel":
            guard words.count >= 5 else { return true }
            if words[1] == "config" && words[2] == "set" {
                return !["sentinel-pass", "sentinel-user"].contains(words[3])
            }
            return !(words[1] == "set" && words.dropFirst(3).contains { $0 == "auth-pass" || $0 == "auth-user" })
        default:
            return true
        }
    }

    /// The same for a raw line: lines that do not even split are kept out too if they start
    /// like a secret-bearing command.
    package static func mayRemember(line: String) -> Bool {
        guard var args = CommandLineSplitter.split(Array(line.utf8)) else {
            let lower = line.lowercased().drop(while: { $0 == " " })
            return !["auth", "hello", "acl", "config", "migrate", "sentinel"].contains { lower.hasPrefix($0) }
        }
        if args.count > 1, Int64(String(decoding: args[0], as: UTF8.self)) != nil { args.removeFirst() }
        return mayRemember(args)
    }
}
