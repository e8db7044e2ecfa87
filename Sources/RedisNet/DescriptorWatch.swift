/// Keeps a changing handful of descriptors registered in a reactor (a `Dialer`'s `waits`: the
/// resolver's pipe, the sockets being dialled, the TLS handshake's socket) and reads back what
/// one wait found them ready for, keyed by descriptor.
package struct DescriptorWatch {
    private var watched: [(fd: Int32, interest: Interest, token: ReactorToken)] = []

    /// Watching nothing.
    package init() {}

    /// Watches exactly `waits` in `reactor` for the next wait.
    package mutating func watch(_ waits: [(fd: Int32, interest: Interest)], in reactor: Reactor) {
        let same =
            waits.count == watched.count
            && zip(waits, watched).allSatisfy {
                $0.fd == $1.fd && $0.interest == $1.interest && reactor.isRegistered($1.token)
            }
        guard !same else { return }
        stop(in: reactor)
        watched = waits.map { ($0.fd, $0.interest, reactor.register($0.fd, $0.interest)) }
    }

    /// Stops watching.
    package mutating func stop(in reactor: Reactor) {
        for entry in watched { reactor.deregister(entry.token) }
        watched = []
    }

    /// What the watched descriptors were ready for in `ready` (those not ready are left out).
    package func readiness(_ ready: ReadySet) -> [Int32: Readiness] {
        var result: [Int32: Readiness] = [:]
        for entry in watched {
            let r = ready.readiness(entry.token)
            if !r.isEmpty { result[entry.fd] = r }
        }
        return result
    }
}
