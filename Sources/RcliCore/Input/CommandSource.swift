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
