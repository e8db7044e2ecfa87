extension OptionTable {
    /// Connection profiles from the config file.
    static let profiles: [OptionSpec] = [
        OptionSpec(
            ["--profile"], value: "name",
            help: """
                Connect with a profile of the config file ($XDG_CONFIG_HOME/rcli/config,
                default ~/.config/rcli/config); '@name' before the command does the same.
                Options on the command line override the profile's settings.
                """, completion: .profile
        ) { p, v throws(RcliError) in
            try OptionParser.useProfile(v, in: &p)
        },
        OptionSpec(["--list-profiles"], help: "Print the config file's profile names and exit.") {
            p, _ throws(RcliError) in
            p.action = .listProfiles
        },
    ]
}
