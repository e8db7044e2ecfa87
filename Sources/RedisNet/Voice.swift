/// Whose words rcli speaks where scripts read them: redis-cli's (the default), or valkey-cli's
/// when it runs under a name that starts with `valkey` (a `valkey-cli` symlink, `make install
/// VALKEY_CLI=1`): `Could not connect to Valkey at …`, primaries where redis-cli says masters in
/// the cluster manager's messages, `valkey-cli` in the messages that name the program. Chosen
/// once, from the name the program was started under.
package struct Voice: Sendable, Equatable {
    /// The server's name in messages: `Redis` or `Valkey`.
    package let server: String
    /// The program named in messages: `redis-cli` or `valkey-cli`.
    package let program: String
    /// A node that owns slots: `master` or `primary`.
    package let primary: String
    /// Its plural: `masters` or `primaries`.
    package let primaries: String
    /// What redis-cli 7.0 calls a replica in a few cluster-manager lines: `slave` or `replica`.
    package let replica: String

    /// redis-cli's words.
    package static let redis = Voice(
        server: "Redis", program: "redis-cli", primary: "master", primaries: "masters", replica: "slave")
    /// valkey-cli 8's words.
    package static let valkey = Voice(
        server: "Valkey", program: "valkey-cli", primary: "primary", primaries: "primaries", replica: "replica")

    /// The voice for this process, from the name it was started under.
    package static let current = Voice(programPath: CommandLine.arguments.first ?? "")

    /// valkey-cli's words for a program named `valkey…`, redis-cli's for any other name.
    package init(programPath: String) {
        let name = programPath.split(separator: "/").last.map(String.init) ?? programPath
        self = name.hasPrefix("valkey") ? .valkey : .redis
    }

    private init(server: String, program: String, primary: String, primaries: String, replica: String) {
        self.server = server
        self.program = program
        self.primary = primary
        self.primaries = primaries
        self.replica = replica
    }

    /// True when speaking as valkey-cli.
    package var isValkey: Bool { self == .valkey }

    /// `Master` or `Primary`.
    package var capitalizedPrimary: String { primary.prefix(1).uppercased() + primary.dropFirst() }

    /// How rcli names itself in usage text: `rcli`, or `valkey-cli` under that name.
    package var selfName: String { isValkey ? "valkey-cli" : "rcli" }
}
