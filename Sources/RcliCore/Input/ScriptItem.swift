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
    /// `--pipe`: requests as read from stdin (checked), sent as they are; `ends` says where
    /// each one ends in the bytes.
    case raw([UInt8], ends: [Int])
}
