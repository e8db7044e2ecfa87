/// One step of a script, in input order.
package enum ScriptItem: Sendable, Equatable {
    /// A command for the server.
    case command([[UInt8]])
    /// Text for stdout, printed in order with the replies (e.g. `Invalid argument(s)`).
    case message([UInt8])
    /// `connect host port`: switch servers once everything before it has been answered.
    case connect(host: String, port: Int)
    /// `quit` / `exit`: read no further.
    case quit
    /// `--pipe`: `count` requests as read from stdin, sent as they are.
    case raw([UInt8], count: Int)
}

/// Where a runner's commands come from.
package protocol CommandSource: AnyObject {
    /// The next item available now, or nil when none is (yet).
    func next() -> ScriptItem?
    /// The descriptor to poll for more input; nil when this source never waits.
    var inputDescriptor: Int32? { get }
    /// Reads what the descriptor has; called when poll says it is readable.
    func readAvailable() throws(RcliError)
    /// True when no item will ever come again.
    var isExhausted: Bool { get }
}

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

/// A fixed list of items, each repeated its count of times (one interactive line).
package final class ItemSource: CommandSource {
    private var items: [(item: ScriptItem, count: Int64)]
    private var index = 0

    /// A source of `items` in order.
    package init(_ items: [(item: ScriptItem, count: Int64)]) {
        self.items = items.filter { $0.count > 0 }
    }

    package func next() -> ScriptItem? {
        guard index < items.count else { return nil }
        let item = items[index].item
        items[index].count -= 1
        if items[index].count == 0 { index += 1 }
        return item
    }

    package var inputDescriptor: Int32? { nil }
    package func readAvailable() throws(RcliError) {}
    package var isExhausted: Bool { index >= items.count }
}
