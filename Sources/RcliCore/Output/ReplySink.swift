import Cluster
import RESP

/// Where a run's results go: printed (`PrintingSink`) or counted (`CountingSink`, `--pipe`).
/// The engine calls it in delivery order; it decides only how things look.
package protocol ReplySink: AnyObject {
    /// A run begins at `now`.
    func beginRun(now: Double)
    /// The reply to `item` begins streaming (its events follow).
    func replyBegins(for item: Pipeline.Item?)
    /// One event of the reply that began, streamed as it arrives (`first` and `last` mark the
    /// reply's ends). Returns true when the reply is an error.
    func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool
    /// An entry whose turn it is. Returns true when it was an error reply or a failure.
    func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool
    /// A push message between replies.
    func push(_ part: ReplyPart)
    /// A message on a streaming link.
    func stream(_ part: ReplyPart)
    /// `count` commands written to `node` before its connection was lost may or may not have
    /// run (unordered runs report them together).
    func lost(_ count: Int, node: NodeAddress, reason: String)
    /// `count` replies from `node` that were not errors (`--pipe -c` counts them together).
    func counted(_ count: Int, node: NodeAddress)
    /// A failure to report in order with the output (a `connect` that did not work).
    func note(_ error: RcliError)
    /// Input is over (`--pipe` says so).
    func inputEnded()
    /// The run ends: what it printed is completed (a reply cut off ends its line), then the
    /// failure that stopped it, if any.
    func endRun(_ pipeline: Pipeline, failure: RcliError?)
    /// Writes what is buffered (before the engine waits).
    func flush()
}

extension ReplySink {
    /// Only counting runs get replies told as counts.
    package func counted(_ count: Int, node: NodeAddress) {}
}
