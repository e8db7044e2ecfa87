/// Which lines must never reach the history file because they carry secrets.
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
            // ACL SETUSER name ... >password / #hash / <password
            guard words.count > 1, words[1] == "setuser" else { return true }
            return !args.dropFirst(3).contains {
                $0.first == UInt8(ascii: ">") || $0.first == UInt8(ascii: "<")
                    || $0.first == UInt8(ascii: "#") || $0.first == UInt8(ascii: "!")
            }
        case "config":
            guard words.count > 2, words[1] == "set" else { return true }
            let secrets: Set<String> = [
                "requirepass", "masterauth", "masteruser", "tls-key-file-pass", "tls-client-key-file-pass",
            ]
            return !words.dropFirst(2).contains { secrets.contains($0) }
        default:
            return true
        }
    }

    /// The same for a raw line: lines that do not even split are kept out too if they start
    /// like a secret-bearing command.
    package static func mayRemember(line: String) -> Bool {
        guard var args = CommandLineSplitter.split(Array(line.utf8)) else {
            let lower = line.lowercased().drop(while: { $0 == " " })
            return !["auth", "hello", "acl", "config", "migrate"].contains { lower.hasPrefix($0) }
        }
        if args.count > 1, Int64(String(decoding: args[0], as: UTF8.self)) != nil { args.removeFirst() }
        return mayRemember(args)
    }
}
