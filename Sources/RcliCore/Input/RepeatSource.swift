/// The same command, `count` times (negative: forever).
package final class RepeatSource: CommandSource {
    private let args: [[UInt8]]
    private var remaining: Int64

    /// A source of `count` copies of `args`.
    package init(args: [[UInt8]], count: Int64) {
        self.args = args
        self.remaining = count
    }

    package func next() -> ScriptItem? {
        if remaining == 0 { return nil }
        if remaining > 0 { remaining -= 1 }
        return .command(args)
    }

    package var inputDescriptor: Int32? { nil }
    package func readAvailable() throws(RcliError) {}
    package var isExhausted: Bool { remaining == 0 }
}
