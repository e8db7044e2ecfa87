/// What the command line asks for.
package enum RequestedAction: Sendable, Equatable {
    /// Connect and run (a command, stdin, or the interactive shell).
    case run
    /// `--help`.
    case help
    /// `--version`.
    case version
    /// `--generate man|bash|zsh|fish` (internal: regenerates committed files).
    case generate(String)
    /// `--list-profiles`: the config file's profile names (for completions too).
    case listProfiles
}

/// The result of parsing argv.
package struct ParsedCommandLine: Sendable {
    /// Connection and output settings.
    package var config = CLIConfiguration()
    /// What to do.
    package var action = RequestedAction.run
    /// The command and its arguments, if one was given.
    package var command: [String] = []

    /// Empty.
    package init() {}
}
