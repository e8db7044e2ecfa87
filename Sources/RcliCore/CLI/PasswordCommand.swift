/// A profile's `password-command`: a shell command that prints the password
/// (`pass show redis/prod`), run only when the connection needs a password that the command line
/// did not give. Its output is never shown; its stdin is the terminal's, or /dev/null when
/// rcli's stdin is a script.
package enum PasswordCommand {
    /// The password `command` printed (one trailing newline removed), or why there is none.
    package static func run(_ command: String, profile: String) -> Result<String, RcliError> {
        let what = "password-command of profile '\(profile)' (\(command))"
        // A script on stdin is rcli's input: the command must not read it (on a terminal it may
        // ask there).
        let line = System.isTerminal(0) ? command : "exec </dev/null\n" + command
        guard let (output, end) = System.runShellCommand(line) else {
            return .failure(.usage("Could not run the \(what)"))
        }
        return password(from: output, end: end, what: what)
    }

    /// The password in `output`, checked: a failed command, no output or several lines are errors.
    static func password(from output: [UInt8], end: System.CommandEnd, what: String) -> Result<String, RcliError> {
        switch end {
        case .exited(0): break
        case .exited(let status): return .failure(.usage("The \(what) failed with exit status \(status)"))
        case .signalled(let signal): return .failure(.usage("The \(what) was killed by signal \(signal)"))
        }
        var bytes = output[...]
        if bytes.last == 10 { bytes = bytes.dropLast() }
        if bytes.last == 13 { bytes = bytes.dropLast() }
        if bytes.isEmpty { return .failure(.usage("The \(what) printed no password")) }
        if bytes.contains(10) {
            return .failure(
                .usage("The \(what) printed several lines; it must print only the password (add | head -n 1)"))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}
