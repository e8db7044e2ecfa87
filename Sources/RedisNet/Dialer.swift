import RESP

/// A connection being made without blocking: name resolution (on a helper thread whose answer
/// arrives through a descriptor), non-blocking connects to the resolved addresses (staggered,
/// first to connect wins, `-4` / `-6` order kept) and the TLS handshake, each a step the owner's
/// wait loop drives. `LinkLifecycle` decides what to dial, abandon or give up, and when; the
/// dialer performs it. The owner waits for `waits` until `nextDeadline`, then calls `advance`
/// with what the descriptors were ready for (an empty map when only time passed).
///
/// It is the only way a connection is made: `Connection.init(endpoint:connectTimeout:...)` and
/// `Session.connect` wait on its steps one after another, the cluster transport drives them from
/// the run loop. A Unix socket path is connected at once (a local connect does not wait on a
/// peer).
package final class Dialer {
    private enum Phase {
        case resolving(AddressLookup, host: String)
        case connecting(AddressLookup.Answer, addresses: [UnsafeMutablePointer<addrinfo>], pending: [Int: Socket])
        case tls(TLSStream, Interest, deadline: Double)
        case done
    }

    /// Where the connection goes (its messages name it).
    package let endpoint: Endpoint
    /// Where the link is: resolving, connecting, then handshaking or ready once connected.
    package private(set) var lifecycle: LinkLifecycle
    private let handshakeReplies: Int
    private let tls: (context: TLSContext, peer: TLSPeer)?
    private let connectTimeout: Double?
    private let prefer: AddressFamily
    private var fallbackHost: String?
    private let limits: RESPLimits
    private var phase = Phase.done
    private var resolvingEndpoint: Endpoint

    /// A dialer for `endpoint`, not started; `handshakeReplies` are owed once connected (the
    /// lifecycle's handshake deadline starts then).
    package init(
        endpoint: Endpoint, timing: LinkLifecycle.Timing, handshakeReplies: Int,
        tls: (context: TLSContext, peer: TLSPeer)? = nil, prefer: AddressFamily = .any, fallbackHost: String? = nil,
        limits: RESPLimits = RESPLimits()
    ) {
        self.endpoint = endpoint
        self.resolvingEndpoint = endpoint
        self.lifecycle = LinkLifecycle(timing: timing)
        self.handshakeReplies = handshakeReplies
        self.tls = tls
        self.connectTimeout = timing.connectTimeout
        self.prefer = prefer
        self.fallbackHost = fallbackHost
        self.limits = limits
    }

    /// Starts: the connection when it is made at once, else nil (wait for `waits`).
    package func start(now: Double) throws(NetError) -> Connection? {
        switch endpoint {
        case .unix(let path):
            let socket = try Socket.connectUnix(
                path: path, endpoint: endpoint, lifecycle: &lifecycle, handshakeReplies: handshakeReplies)
            return try connected(socket, now: now)
        case .tcp(let host, let port):
            return try resolve(host, port: port, now: now)
        }
    }

    /// The descriptors to wait on now, and for what.
    package var waits: [(fd: Int32, interest: Interest)] {
        switch phase {
        case .resolving(let lookup, _):
            return lookup.descriptor.map { [($0, .read)] } ?? []
        case .connecting(_, _, let pending):
            return lifecycle.dialling.compactMap { i in pending[i].map { ($0.fd, Interest.write) } }
        case .tls(let stream, let interest, _):
            return [(stream.descriptor, interest)]
        case .done:
            return []
        }
    }

    /// When `advance` must be called even if nothing is ready; nil when nothing is timed.
    package var nextDeadline: Double? {
        switch phase {
        case .tls(_, _, let deadline): return deadline
        case .done: return nil
        default: return lifecycle.nextDeadline
        }
    }

    /// Goes on with what the descriptors of `waits` were found ready for (keyed by descriptor)
    /// and the time: the connection once it is made, nil while it is not yet.
    package func advance(_ ready: [Int32: Readiness], now: Double) throws(NetError) -> Connection? {
        switch phase {
        case .resolving(let lookup, let host):
            if let fd = lookup.descriptor, ready[fd]?.isEmpty ?? true {
                if let deadline = lifecycle.nextDeadline, deadline <= now {
                    phase = .done
                    lifecycle.closed()
                    throw .connect(resolvingEndpoint, reason: "the name did not resolve in time")
                }
                return nil
            }
            return try resolved(lookup, host: host, now: now)
        case .connecting(let answer, let addresses, let pending):
            var actions: [LinkLifecycle.Action] = []
            for i in lifecycle.dialling {
                guard let socket = pending[i], let readiness = ready[socket.fd], !readiness.isEmpty else { continue }
                let err = socket.pendingError()
                if err == 0 {
                    actions += lifecycle.dialSucceeded(i, handshakeReplies: handshakeReplies, now: now)
                } else {
                    actions += lifecycle.dialFailed(i, reason: errnoDescription(err), now: now)
                }
            }
            actions += lifecycle.timer(now: now)
            return try perform(actions, answer: answer, addresses: addresses, pending: pending, now: now)
        case .tls(let stream, _, let deadline):
            if ready[stream.descriptor]?.isEmpty ?? true {
                guard deadline <= now else { return nil }
                phase = .done
                lifecycle.closed()
                throw TLSStream.handshakeTimedOut(endpoint)
            }
            return try handshake(stream, deadline: deadline)
        case .done:
            return nil
        }
    }

    /// Gives up (Ctrl-C, or the owner no longer wants the link): every attempt is closed.
    package func cancel() {
        phase = .done
        _ = lifecycle.interrupt()
    }

    private func resolve(_ host: String, port: Int, now: Double) throws(NetError) -> Connection? {
        lifecycle.resolving(now: now)
        let lookup = AddressLookup.start(host, port: port)
        phase = .resolving(lookup, host: host)
        guard lookup.descriptor == nil else { return nil }
        return try resolved(lookup, host: host, now: now)
    }

    private func resolved(_ lookup: AddressLookup, host: String, now: Double) throws(NetError) -> Connection? {
        let answer: AddressLookup.Answer
        do throws(NetError) {
            answer = try lookup.answer(resolvingEndpoint)
        } catch {
            // A name that does not resolve: the IP the cluster announced beside it, once.
            if case .connect = error, let fallback = fallbackHost, fallback != host, case .tcp(_, let port) = endpoint {
                fallbackHost = nil
                resolvingEndpoint = .tcp(host: fallback, port: port)
                return try resolve(fallback, port: port, now: now)
            }
            phase = .done
            _ = lifecycle.resolveFailed(error.description)
            throw error
        }
        let addresses = prefer.ordered(answer.first)
        let actions = lifecycle.resolved(count: addresses.count, now: now)
        return try perform(actions, answer: answer, addresses: addresses, pending: [:], now: now)
    }

    /// Performs the lifecycle's actions (dialling may succeed or fail at once, which makes more).
    private func perform(
        _ first: [LinkLifecycle.Action], answer: AddressLookup.Answer, addresses: [UnsafeMutablePointer<addrinfo>],
        pending: [Int: Socket], now: Double
    ) throws(NetError) -> Connection? {
        var pending = pending
        var actions = first
        while !actions.isEmpty {
            var next: [LinkLifecycle.Action] = []
            for action in actions {
                switch action {
                case .dial(let i):
                    let ai = addresses[i]
                    do throws(NetError) {
                        let (socket, done) = try Socket.start(
                            family: ai.pointee.ai_family, address: ai.pointee.ai_addr, length: ai.pointee.ai_addrlen)
                        pending[i] = socket
                        if done { next += lifecycle.dialSucceeded(i, handshakeReplies: handshakeReplies, now: now) }
                    } catch {
                        next += lifecycle.dialFailed(i, reason: error.description, now: now)
                    }
                case .abandon(let i):
                    pending[i] = nil
                case .connected(let i):
                    guard let socket = pending[i] else { continue }
                    socket.configureConnected()
                    phase = .done
                    return try connected(socket, now: now)
                case .ready:
                    break
                case .fail(let failure):
                    phase = .done
                    throw Socket.failureError(failure, endpoint: endpoint)
                }
            }
            actions = next
        }
        phase = .connecting(answer, addresses: addresses, pending: pending)
        return nil
    }

    private func connected(_ socket: Socket, now: Double) throws(NetError) -> Connection? {
        guard let tls else {
            phase = .done
            return Connection(endpoint: endpoint, stream: PlainStream(socket), limits: limits)
        }
        let stream = try TLSStream(socket: socket, context: tls.context, peer: tls.peer, endpoint: endpoint)
        return try handshake(stream, deadline: now + (connectTimeout ?? 5))
    }

    private func handshake(_ stream: TLSStream, deadline: Double) throws(NetError) -> Connection? {
        do throws(NetError) {
            if let interest = try stream.handshakeStep() {
                phase = .tls(stream, interest, deadline: deadline)
                return nil
            }
        } catch {
            phase = .done
            lifecycle.closed()
            throw error
        }
        phase = .done
        return Connection(endpoint: endpoint, stream: stream, limits: limits)
    }
}
