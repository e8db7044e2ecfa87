/// A command as the engine hands it to a transport.
package struct Outbound {
    /// Its arguments (empty for a raw `--pipe` chunk).
    package let args: [[UInt8]]
    /// `--pipe`: requests as read from stdin, sent as they are.
    package let raw: [UInt8]?
    /// Where each of the raw requests ends in `raw`.
    package let ends: [Int]
    /// The replies it owes (the number of requests in a raw chunk; 1 otherwise).
    package let replies: Int
    /// What the engine knows of the command (nil for raw chunks).
    package let traits: CommandTraits?

    /// A command from its arguments.
    package init(args: [[UInt8]], traits: CommandTraits) {
        self.args = args
        self.raw = nil
        self.ends = []
        self.replies = 1
        self.traits = traits
    }

    /// Raw requests (`--pipe`), ending at `ends`.
    package init(raw: [UInt8], ends: [Int]) {
        self.args = []
        self.raw = raw
        self.ends = ends
        self.replies = ends.count
        self.traits = nil
    }
}
