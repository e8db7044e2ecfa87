/// Keeps one connection registered in a reactor: read interest always, write interest while
/// bytes are queued, and decrypted TLS input (which poll cannot see) marked ready. A new
/// connection (a new descriptor) replaces the registration; an old one is never polled again.
package struct ConnectionWatch {
    private var token: ReactorToken?
    private var descriptor: Int32 = -1

    /// Not watching anything yet.
    package init() {}

    /// Watches `connection` in `reactor` for the next wait; nil stops watching.
    package mutating func watch(_ connection: Connection?, in reactor: Reactor) {
        guard let connection else {
            stop(in: reactor)
            return
        }
        let interest: Interest = connection.hasPendingOutput ? [.read, .write] : .read
        if let token, descriptor == connection.descriptor, reactor.isRegistered(token) {
            reactor.update(token, interest)
        } else {
            if let token { reactor.deregister(token) }
            token = reactor.register(connection.descriptor, interest)
            descriptor = connection.descriptor
        }
        if connection.hasBufferedInput, let token { reactor.markReady(token) }
    }

    /// Stops watching.
    package mutating func stop(in reactor: Reactor) {
        if let token { reactor.deregister(token) }
        token = nil
        descriptor = -1
    }

    /// Writes and reads on `connection` what the wait found it ready for (nothing when this
    /// watch is for another connection); throws the connection's failure.
    package func service(_ connection: Connection, _ ready: ReadySet) throws(NetError) {
        guard descriptor == connection.descriptor else { return }
        let readiness = ready.readiness(token)
        if readiness.contains(.writable) { try connection.flush(wait: false) }
        if readiness.readOrHangup { try connection.receive() }
    }
}
