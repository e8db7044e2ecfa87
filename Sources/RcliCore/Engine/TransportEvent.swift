import Cluster
import RESP

/// A reply, or a piece of one.
package enum ReplyPart {
    /// One parser event of a reply streamed as it arrives; `last` completes the reply.
    case event(RESPEvent, last: Bool)
    /// A whole reply.
    case value(RESPValue)
}

/// What happened on a transport, as the engine learns it.
package enum TransportEvent {
    /// One parser event of an entry's reply, streamed as it arrives (`last` completes it): the
    /// hot path of a million-element reply, so it carries nothing else.
    case replyEvent(EntryID, RESPEvent, last: Bool)
    /// A whole reply for an entry, and where it came from. (The cases below the hot one are
    /// boxed, so an event stays small to copy.)
    indirect case reply(EntryID, RESPValue, origin: ReplyOrigin?)
    /// `--pipe -c`: `replies` more replies from `node` that were not errors (counted, not shown).
    indirect case counted(node: NodeAddress, replies: Int)
    /// An entry that will get no reply, and why (`node`: where it was last sent).
    indirect case failed(EntryID, CommandFailure, node: NodeAddress?)
    /// An entry whose success is the end of its connection (SHUTDOWN) got it: done, with no
    /// reply to print.
    case closed(EntryID)
    /// An entry was redirected or is being retried: later commands wait until it is settled,
    /// so commands for one slot keep their order.
    indirect case rerouted(EntryID, RouteReason)
    /// The connection to `node` was lost with `entries` written to it: each may or may not have
    /// run (reported, never resent).
    indirect case linkLost(node: NodeAddress, reason: String, entries: [EntryID])
    /// A push message between replies (RESP3), or a piece of one.
    case push(ReplyPart)
    /// A pub/sub message (or a confirmation no command waits for) on a subscribed link that does
    /// not stream (the shell's subscribed mode): printed as it comes, ahead of the reply to the
    /// command it arrived before.
    indirect case message(RESPValue)
    /// A message on a link that streams (after SUBSCRIBE or MONITOR), or a piece of one.
    case stream(ReplyPart)
    /// A link that streamed messages (SUBSCRIBE in a cluster) was lost: no more messages come;
    /// what was owed for earlier commands is still delivered.
    indirect case streamEnded(RcliError)
    /// The run cannot go on (the only connection was lost with commands in flight ...).
    indirect case fatal(RcliError)
}
