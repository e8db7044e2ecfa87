import Cluster
import RESP
import RedisNet

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
    /// The descriptors the shell watches between lines for pushed messages (RESP3, or pub/sub
    /// messages while subscribed).
    var idleDescriptors: [Int32] { get }
    /// True while the shell's connection is subscribed to channels (subscribed mode).
    var subscribed: Bool { get }
    /// The pushed messages that arrived between lines (or why the connection is gone).
    func takeIdleMessages() -> Result<[RESPValue], RcliError>
    /// Ctrl-C: the connections that owe replies are dropped.
    func interrupt()
    /// After an interrupted shell line: connections are re-established for the next one.
    func recover()
    /// Starts a run (the shell runs one per line; counters for `--verbose` restart).
    func beginRun()
    /// Ends a run (`--verbose` prints its counters when it `completed`: not after Ctrl-C or a
    /// failure that stopped it).
    func endRun(completed: Bool)
    /// The servers that together hold the key space, one session each with a label for
    /// reports (a cluster's masters, or with `replicas` a replica of each shard where one is
    /// known); for modes that talk to them one by one (`--scan`, `--bigkeys`, `--stat`).
    func servers(replicas: Bool) -> [(session: Session, label: String)]
    /// The server keyless commands go to (`--latency` measures it).
    var primary: Session { get }
    /// Where keyless commands go now, for the shell's prompt (`host:port[db]`).
    var location: String? { get }
    /// True when pub/sub messages are told apart from replies on the connection the shell
    /// watches (so SUBSCRIBE can keep the prompt: the shell's subscribed mode).
    var separatesMessages: Bool { get }
    /// True when MOVED/ASK are followed rather than shown.
    var followsRedirects: Bool { get }
}
