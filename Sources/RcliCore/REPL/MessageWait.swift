import RESP
import RedisNet

/// redis-cli 7.2's subscribed mode, between the shell's commands: messages print under
/// "Reading messages... (press Ctrl-C to quit or any key to type command)" until a key is
/// pressed (left unread: it becomes the first key at the prompt), Ctrl-C, or, as in
/// valkey-cli, the last subscription ends.
struct MessageWait {
    /// Why the wait ended.
    enum Outcome: Equatable {
        /// A key is waiting: open the prompt.
        case key
        /// Ctrl-C: leave subscribed mode.
        case interrupted
        /// Nothing is subscribed any more (or the connection is gone).
        case ended
    }

    let transport: ShellTransport
    let sink: ReplySink
    let out: OutputSink
    /// The "Reading messages..." line (a terminal, not --raw), nil for none.
    let banner: MessageBanner?

    /// Waits and prints until a key, Ctrl-C, or the end of the subscriptions.
    func run() -> Outcome {
        System.withKeysUnbuffered(0) {
            while true {
                guard show() else { return .ended }
                let sockets = transport.idleDescriptors
                guard transport.subscribed, !sockets.isEmpty else { return .ended }
                banner?.show()
                let wake = KeyWait.next(watching: sockets, interruptible: true)
                banner?.erase()
                switch wake {
                case .interrupt: return .interrupted
                case .messages: continue
                case .key, .work: return .key
                }
            }
        }
    }

    /// Prints what arrived; false when the connection is gone (the reason is printed).
    @discardableResult
    func show() -> Bool {
        switch transport.takeIdleMessages() {
        case .success(let values):
            Self.print(values, to: sink)
            return true
        case .failure(let error):
            sink.flush()
            out.write(error.text + "\n")
            out.flush()
            return false
        }
    }

    /// Pub/sub messages print like replies, in the output format; other pushes (RESP3 client
    /// tracking) as pushes.
    static func print(_ values: [RESPValue], to sink: ReplySink) {
        for value in values {
            if PubSubState.kind(value) != nil {
                sink.stream(.value(value))
            } else {
                sink.push(.value(value))
            }
        }
        sink.flush()
    }
}
