import RedisNet

/// `--help`, generated from the option table in redis-cli's layout.
package enum HelpText {
    /// rcli's version.
    package static let version = "0.1.0"

    /// The usage text (naming the program valkey-cli when it runs under that name).
    package static func usage() -> String {
        let me = Voice.current.selfName
        var s = "rcli \(version)\n\nUsage: \(me) [OPTIONS] [cmd [arg [arg ...]]]\n"
        for spec in OptionTable.all where !spec.hidden {
            var head = "  " + spec.names[0]
            if let v = spec.valueName { head += " <\(v)>" }
            let lines = spec.help.split(separator: "\n", omittingEmptySubsequences: false)
            s += column(head) + (lines.first.map(String.init) ?? "") + "\n"
            for line in lines.dropFirst() { s += String(repeating: " ", count: 21) + line + "\n" }
        }
        s += """

            Examples:
              cat /etc/passwd | \(me) -x set mypasswd
              \(me) -D "" --raw dump key > key.dump && \(me) -X dump_tag restore key2 0 dump_tag replace < key.dump
              \(me) -r 100 lpush mylist x
              \(me) -r 100 -i 1 info | grep used_memory_human:
              \(me) --quoted-input set '"null-\\x00-separated"' value
              \(me) -u redis://user:secret@127.0.0.1:6379/2 ping
              \(me) < commands.txt    (pipelined: replies printed in input order)

            When no command is given and stdin is a terminal, \(me) starts in interactive mode.
            With stdin not a terminal, each line of stdin is a command.

            """
        return s
    }

    /// `head` padded to the description column (21), or followed by one space when longer.
    private static func column(_ head: String) -> String {
        head + String(repeating: " ", count: max(1, 21 - head.count))
    }
}
