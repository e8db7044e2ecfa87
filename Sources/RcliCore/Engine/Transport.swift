import Cluster
import RESP
import RedisNet

/// A command as the engine hands it to a transport.
package struct Outbound {
    /// Its arguments (empty for a raw `--pipe` chunk).
    package let args: [[UInt8]]
    /// `--pipe`: requests as read from stdin, sent as they are.
    package let raw: [UInt8]?
    /// The replies it owes (the number of requests in a raw chunk; 1 otherwise).
    package let replies: Int
    /// What the engine knows of the command (nil for raw chunks).
    package let traits: CommandTraits?

    /// A command from its arguments.
    package init(args: [[UInt8]], traits: CommandTraits) {
        self.args = args
        self.raw = nil
        self.replies = 1
        self.traits = traits
    }

    /// Raw requests (`--pipe`), `count` of them.
    package init(raw: [UInt8], count: Int) {
        self.args = []
        self.raw = raw
        self.replies = count
        self.traits = nil
    }
}

/// A reply, or a piece of one.
package enum ReplyPart {
    /// One parser event of a reply streamed as it arrives; `last` completes the reply.
    case event(RESPEvent, last: Bool)
    /// A whole reply.
    case value(RESPValue)
}

/// Where a reply came from, for the cluster's annotations and redis-cli's redirect line.
package struct ReplyOrigin: Sendable, Equatable {
    /// A slot and a node.
    package struct Place: Sendable, Equatable {
        package var slot: Int
        package var node: NodeAddress
    }

    /// The node that answered.
    package var node: NodeAddress
    /// The slot of the command's keys.
    package var slot: Int?
    /// A replica answered.
    package var replica = false
    /// The last MOVED/ASK the command followed.
    package var redirect: Place?
    /// A split command: its parts, the nodes that served them, one part per master.
    package struct Split: Sendable, Equatable {
        package var parts: Int
        package var nodes: Int
        package var perMaster: Bool
    }

    /// For a split command, how it was split.
    package var split: Split?

    /// A reply from `node`.
    package init(node: NodeAddress, slot: Int?, replica: Bool = false) {
        self.node = node
        self.slot = slot
        self.replica = replica
    }
}

/// Why a command has no reply. Rendered by `RcliError.text`.
package enum CommandFailure: Error, Sendable, Equatable {
    /// The connection was lost after the command was written.
    case unknownOutcome(reason: String, node: NodeAddress)
    /// The router gave up (retry budget, redirect loop, slot not served ...).
    case routing(RouteFailure)
    /// A node could not be reached for a command that cannot go elsewhere (a pinned transaction).
    case unreachable(String)
    /// No connection is left that could answer.
    case noConnection
}

/// What happened on a transport, as the engine learns it.
package enum TransportEvent {
    /// One parser event of an entry's reply, streamed as it arrives (`last` completes it): the
    /// hot path of a million-element reply, so it carries nothing else.
    case replyEvent(EntryID, RESPEvent, last: Bool)
    /// A whole reply for an entry, and where it came from. (The cases below the hot one are
    /// boxed, so an event stays small to copy.)
    indirect case reply(EntryID, RESPValue, origin: ReplyOrigin?)
    /// An entry that will get no reply, and why (`node`: where it was last sent).
    indirect case failed(EntryID, CommandFailure, node: NodeAddress?)
    /// An entry was redirected or is being retried: later commands wait until it is settled,
    /// so commands for one slot keep their order.
    indirect case rerouted(EntryID, RouteReason)
    /// The connection to `node` was lost with `entries` written to it: each may or may not have
    /// run (reported, never resent).
    indirect case linkLost(node: NodeAddress, reason: String, entries: [EntryID])
    /// A push message between replies (RESP3), or a piece of one.
    case push(ReplyPart)
    /// A message on a link that streams (after SUBSCRIBE or MONITOR), or a piece of one.
    case stream(ReplyPart)
    /// The run cannot go on (the only connection was lost with commands in flight ...).
    indirect case fatal(RcliError)
}

/// How commands reach the servers: one connection (`StandaloneTransport`) or a cluster
/// (`ClusterTransport`). The engine never asks which one it has. A transport sends what it is
/// given, waits for nothing (the engine's reactor waits), and reports what happened as events.
package protocol Transport: AnyObject {
    /// Connects now, so an unreachable server fails before anything runs; nil when ready.
    func open() -> RcliError?
    /// Starts sending `command` for entry `id`; what becomes of it arrives as events.
    func submit(_ id: EntryID, _ command: Outbound, now: Double)
    /// Work that needs no waiting: writes, retries that are due, topology reloads, hung links.
    func service(now: Double)
    /// The next event from what has already been received, nil when there is none.
    func nextEvent(now: Double) -> TransportEvent?
    /// Registers what the transport waits for; returns its next timer (retries, reply timeout).
    func prepareWait(_ reactor: Reactor, now: Double) -> Double?
    /// Reads and writes what the wait found ready.
    func handle(_ ready: ReadySet, now: Double)
    /// True when no connection or timer could ever produce another event.
    var isIdle: Bool { get }
    /// Bytes queued and not yet written, on the fullest connection (`--pipe`'s window).
    var backlog: Int { get }
    /// True while a command it holds back must go before anything else is read.
    var holdsInput: Bool { get }
    /// `connect host port`: the transport's servers change; nil on success.
    func retarget(host: String, port: Int) -> RcliError?
    /// A command succeeded that changes connection state (AUTH, HELLO, SELECT ...).
    func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?)
    /// The shell is about to run a line after sitting idle: a connection the server closed
    /// meanwhile is forgotten, so the line gets a fresh one instead of being lost on it.
    func forgetIfClosed()
    /// The descriptor the shell watches between lines for pushed messages (RESP3), nil when none.
    var idleDescriptor: Int32? { get }
    /// The pushed messages that arrived between lines (or why the connection is gone).
    func takeIdleMessages() -> Result<[RESPValue], RcliError>
    /// Ctrl-C: the connections that owe replies are dropped.
    func interrupt()
    /// After an interrupted shell line: connections are re-established for the next one.
    func recover()
    /// Starts a run (the shell runs one per line; counters for `--verbose` restart).
    func beginRun()
    /// Ends a run (`--verbose` prints its counters).
    func endRun()
    /// The servers that together hold the key space, one session each with a label for
    /// reports (a cluster's masters, or with `replicas` a replica of each shard where one is
    /// known); for modes that talk to them one by one (`--scan`, `--bigkeys`, `--stat`).
    func servers(replicas: Bool) -> [(session: Session, label: String)]
    /// The server keyless commands go to (`--latency` measures it).
    var primary: Session { get }
    /// Where keyless commands go now, for the shell's prompt (`host:port[db]`).
    var location: String? { get }
    /// True when RESP3 pushes arrive apart from replies on the connection the shell watches
    /// between lines (so SUBSCRIBE can keep the prompt).
    var pushesArriveApart: Bool { get }
    /// True when MOVED/ASK are followed rather than shown.
    var followsRedirects: Bool { get }
}
