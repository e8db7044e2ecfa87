/// How the shell completions should complete an option's value.
package enum ValueCompletion: Sendable, Equatable {
    case none
    case file
    case directory
    case host
    case choices([String])
    /// A profile name of the config file (`rcli --list-profiles`).
    case profile
}

/// One command-line option: its spellings, value, help text and effect. The table of these
/// (`OptionTable.all`) drives parsing, `--help`, the man page and the shell completions.
package struct OptionSpec: Sendable {
    /// Spellings, e.g. `["-a", "--pass"]`; the first one is shown in help.
    package let names: [String]
    /// The value's name in help (`<hostname>`), nil for a flag.
    package let valueName: String?
    /// Help text; `\n` starts a continuation line.
    package let help: String
    /// Completion hint for the value.
    package let completion: ValueCompletion
    /// Hidden from help, man page and completions (internal tools).
    package let hidden: Bool
    /// For an option that takes values up to the next option (swift-argument-parser's
    /// `.upToNextOption`; redis-cli's `--cluster-weight a=1 b=2`): which words after the first
    /// value are values too (the next word starting with `--` always ends them). Nil: one value.
    package let moreValues: (@Sendable (String) -> Bool)?
    /// Applies the option (and one value) to the configuration; once per value.
    package let apply: @Sendable (inout ParsedCommandLine, String) throws(RcliError) -> Void

    /// A spec; `apply` receives "" for flags.
    package init(
        _ names: [String], value: String? = nil, help: String, completion: ValueCompletion = .none,
        hidden: Bool = false, moreValues: (@Sendable (String) -> Bool)? = nil,
        apply: @escaping @Sendable (inout ParsedCommandLine, String) throws(RcliError) -> Void
    ) {
        self.names = names
        self.valueName = value
        self.help = help
        self.completion = completion
        self.hidden = hidden
        self.moreValues = moreValues
        self.apply = apply
    }

    /// True for options that take a value.
    package var takesValue: Bool { valueName != nil }
}
