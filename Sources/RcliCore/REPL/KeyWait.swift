import RedisNet

/// The shell's wait for the next key, in one place: the terminal, the connections whose
/// messages are printed while it waits (RESP3 pushes, subscribed mode), and optionally Ctrl-C,
/// watched together in one poll through the reactor.
enum KeyWait {
    /// What ended the wait.
    enum Wake: Equatable {
        /// The terminal has input (or was closed): the key is left unread.
        case key
        /// A watched connection is readable.
        case messages
        /// Ctrl-C (only when asked to notice it).
        case interrupt
    }

    /// Waits until the terminal or one of `descriptors` is readable, or Ctrl-C with
    /// `interruptible`.
    static func next(watching descriptors: [Int32], interruptible: Bool) -> Wake {
        var watched: [(fd: Int32, interest: Interest)] = [(0, .read)] + descriptors.map { ($0, .read) }
        let interrupt = interruptible ? InterruptSignal.install() : nil
        if let interrupt { watched.append((interrupt, .read)) }
        guard let ready = try? Reactor.wait(for: watched, until: nil) else { return .key }
        if interrupt != nil, let last = ready.last, !last.isEmpty, InterruptSignal.takePending() { return .interrupt }
        if ready.dropFirst().prefix(descriptors.count).contains(where: { !$0.isEmpty }) { return .messages }
        return .key
    }
}
