import RedisNet

/// The shell's wait for the next key, in one place: the terminal, the connections whose
/// messages are printed while it waits (RESP3 pushes, subscribed mode), what the idle work waits
/// for (`IdleWork`), and optionally Ctrl-C, watched together in one poll through the reactor.
enum KeyWait {
    /// What ended the wait.
    enum Wake: Equatable {
        /// The terminal has input (or was closed): the key is left unread.
        case key
        /// A watched connection is readable.
        case messages
        /// Ctrl-C (only when asked to notice it).
        case interrupt
        /// What the idle work watches is ready, or its time came.
        case work
    }

    /// Waits until the terminal or one of `descriptors` is readable, Ctrl-C with
    /// `interruptible`, or one of `work` is ready or `until` (monotonic seconds) passes. A key
    /// comes before the idle work.
    static func next(
        watching descriptors: [Int32], interruptible: Bool, work: [(fd: Int32, interest: Interest)] = [],
        until deadline: Double? = nil
    ) -> Wake {
        var watched: [(fd: Int32, interest: Interest)] = [(0, .read)] + descriptors.map { ($0, .read) } + work
        let interrupt = interruptible ? InterruptSignal.install() : nil
        if let interrupt { watched.append((interrupt, .read)) }
        guard let ready = try? Reactor.wait(for: watched, until: deadline) else { return .key }
        if interrupt != nil, let last = ready.last, !last.isEmpty, InterruptSignal.takePending() { return .interrupt }
        if ready.dropFirst().prefix(descriptors.count).contains(where: { !$0.isEmpty }) { return .messages }
        if !ready[0].isEmpty || (work.isEmpty && deadline == nil) { return .key }
        return .work
    }
}
