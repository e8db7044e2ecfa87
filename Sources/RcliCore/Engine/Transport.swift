import Cluster
import RedisNet

/// How commands reach the servers: one connection (`StandaloneTransport`) or a cluster
/// (`ClusterTransport`). The engine never asks which one it has. A transport sends what it is
/// given, waits for nothing (the engine's reactor waits), and reports what happened as events.
///
/// This is what the engine's loop needs, and all it needs. What the shell asks between its lines
/// is `ShellTransport`; the servers behind a transport, for the modes that talk to them one by
/// one, are a `ServerDirectory`.
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
    /// `connect host port` (a line of the shell or of a script): the transport's servers
    /// change; nil on success.
    func retarget(host: String, port: Int) -> RcliError?
    /// A command succeeded that changes connection state (AUTH, HELLO, SELECT ...).
    func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?)
    /// Ctrl-C: the connections that owe replies are dropped.
    func interrupt()
    /// Starts a run (the shell runs one per line; counters for `--verbose` restart).
    func beginRun()
    /// Ends a run (`--verbose` prints its counters when it `completed`: not after Ctrl-C or a
    /// failure that stopped it).
    func endRun(completed: Bool)
    /// True while a connection is subscribed to channels (the shell's subscribed mode; the
    /// piped session waits for messages at the end of its input).
    var subscribed: Bool { get }
    /// True when pub/sub messages are told apart from replies on a subscribed connection, so
    /// SUBSCRIBE can keep the input going (the shell's prompt, the piped session's script).
    var separatesMessages: Bool { get }
}
