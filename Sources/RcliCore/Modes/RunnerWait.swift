import RedisNet

/// Ctrl-C was pressed while a runner waited (its descriptor has been drained).
struct RunInterrupted: Error {}

/// One wait of a runner (standalone or cluster): the Ctrl-C descriptor, the source's input and
/// the connections, polled together.
enum RunnerWait {
    /// Waits until something is ready or `timeoutMs` passes (-1: no limit). Returns whether the
    /// input is readable and each stream's revents, in order; throws `RunInterrupted` on Ctrl-C.
    static func poll(interrupt: Int32?, input: Int32?, streams: [(fd: Int32, interest: Interest)],
                     deadline: Double?) throws -> (input: Bool, streams: [Readiness]) {
        var fds: [(fd: Int32, interest: Interest)] = []
        if let fd = interrupt { fds.append((fd, .read)) }
        if let fd = input { fds.append((fd, .read)) }
        var ready = try Reactor.wait(for: fds + streams, until: deadline)
        if let fd = interrupt, !ready.removeFirst().isEmpty {
            InterruptSignal.drain(fd)
            throw RunInterrupted()
        }
        let inputReady = input != nil && !ready.removeFirst().isEmpty
        return (inputReady, ready)
    }
}
