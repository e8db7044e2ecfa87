import RedisNet

/// Ctrl-C was pressed while a runner waited (its descriptor has been drained).
struct RunInterrupted: Error {}

/// One wait of a runner (standalone or cluster): the Ctrl-C descriptor, the source's input and
/// the connections, polled together.
enum RunnerWait {
    /// Waits until something is ready or `timeoutMs` passes (-1: no limit). Returns whether the
    /// input is readable and each stream's revents, in order; throws `RunInterrupted` on Ctrl-C.
    static func poll(interrupt: Int32?, input: Int32?, streams: [(fd: Int32, events: Int16)],
                     timeoutMs: Int32) throws -> (input: Bool, streams: [Int16]) {
        var fds: [(fd: Int32, events: Int16)] = []
        if let fd = interrupt { fds.append((fd, pollReadable)) }
        if let fd = input { fds.append((fd, pollReadable)) }
        var revents = try pollDescriptors(fds + streams, timeoutMs: timeoutMs)
        if let fd = interrupt, revents.removeFirst() != 0 {
            InterruptSignal.drain(fd)
            throw RunInterrupted()
        }
        let inputReady = input != nil && revents.removeFirst() != 0
        return (inputReady, revents)
    }
}
