import RESP

/// What the interactive shell asks of its transport besides running lines through the engine:
/// the prompt's location, the messages pushed while the prompt waits, and fresh connections
/// after a server closed one or Ctrl-C dropped one. The shell also talks to the servers one by
/// one (help's command docs, key-name completion, DBSIZE before a risky command), hence
/// `ServerDirectory`. Both transports are shell transports; the engine sees only `Transport`.
package protocol ShellTransport: Transport, ServerDirectory {
    /// The shell is about to run a line after sitting idle: a connection the server closed
    /// meanwhile is forgotten, so the line gets a fresh one instead of being lost on it.
    func forgetIfClosed()
    /// The descriptors the shell watches between lines for pushed messages (RESP3, or pub/sub
    /// messages while subscribed).
    var idleDescriptors: [Int32] { get }
    /// The pushed messages that arrived between lines (or why the connection is gone).
    func takeIdleMessages() -> Result<[RESPValue], RcliError>
    /// After an interrupted shell line: connections are re-established for the next one.
    func recover()
    /// Where keyless commands go now, for the shell's prompt (`host:port[db]`); nil while
    /// disconnected.
    var location: String? { get }
    /// True when MOVED/ASK are followed rather than shown (the shell's note about -c).
    var followsRedirects: Bool { get }
}
