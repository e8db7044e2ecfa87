/// A connected, non-blocking stream socket (TCP or Unix). Owns its descriptor.
package final class Socket {
    /// The descriptor, valid until deinit.
    package let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Connects to `endpoint`: a host name's addresses are dialled as `lifecycle` says
    /// (staggered, first to connect wins; `-4` / `-6` order kept), each given `-t` from its
    /// `Timing`; on return `lifecycle` is past connecting (handshaking or ready). A host name
    /// that does not resolve is replaced by `fallbackHost` when there is one (a cluster node's IP
    /// behind a name it announces). Ctrl-C ends it where the program asked so (`.interrupted`).
    package static func connect(
        to endpoint: Endpoint, lifecycle: inout LinkLifecycle, handshakeReplies: Int, prefer: AddressFamily = .any,
        fallbackHost: String? = nil
    ) throws(NetError) -> Socket {
        switch endpoint {
        case .unix(let path):
            let socket = try connectUnix(
                path: path, endpoint: endpoint, lifecycle: &lifecycle, handshakeReplies: handshakeReplies)
            return socket
        case .tcp(let host, let port):
            return try connectTCP(
                host: host, port: port, endpoint: endpoint, lifecycle: &lifecycle, handshakeReplies: handshakeReplies,
                prefer: prefer, fallbackHost: fallbackHost)
        }
    }

    /// The first numeric address `host` resolves to (itself when it already is one); nil when
    /// it does not resolve; `prefer` (`-4` / `-6`) picks that family's first address when the
    /// name has one. CLUSTER MEET takes addresses, not names.
    package static func resolve(_ host: String, prefer: AddressFamily = .any) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = platformSockStream
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let head = list else { return nil }
        defer { freeaddrinfo(head) }
        guard let first = prefer.ordered(head).first else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard
            getnameinfo(
                first.pointee.ai_addr, first.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
        else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func connectTCP(
        host: String, port: Int, endpoint: Endpoint, lifecycle: inout LinkLifecycle, handshakeReplies: Int,
        prefer: AddressFamily, fallbackHost: String?
    ) throws(NetError) -> Socket {
        lifecycle.resolving(now: monotonicSeconds())
        let answer: AddressLookup.Answer
        do throws(NetError) {
            answer = try AddressLookup.resolve(host, port: port, endpoint: endpoint, deadline: lifecycle.nextDeadline)
        } catch {
            if case .connect = error, let fallback = fallbackHost, fallback != host {
                return try connectTCP(
                    host: fallback, port: port, endpoint: .tcp(host: fallback, port: port), lifecycle: &lifecycle,
                    handshakeReplies: handshakeReplies, prefer: prefer, fallbackHost: nil)
            }
            if case .interrupted = error {
                _ = lifecycle.interrupt()
            } else {
                _ = lifecycle.resolveFailed(error.description)
            }
            throw error
        }
        // The addresses live as long as the lookup: until this function returns.
        defer { withExtendedLifetime(answer.owner) {} }
        let addresses = prefer.ordered(answer.first)
        var pending: [Int: Socket] = [:]
        var actions = lifecycle.resolved(count: addresses.count, now: monotonicSeconds())
        while true {
            var next: [LinkLifecycle.Action] = []
            for action in actions {
                switch action {
                case .dial(let i):
                    let ai = addresses[i]
                    do throws(NetError) {
                        let (socket, done) = try start(
                            family: ai.pointee.ai_family, address: ai.pointee.ai_addr, length: ai.pointee.ai_addrlen)
                        pending[i] = socket
                        if done {
                            next += lifecycle.dialSucceeded(
                                i, handshakeReplies: handshakeReplies, now: monotonicSeconds())
                        }
                    } catch {
                        next += lifecycle.dialFailed(i, reason: error.description, now: monotonicSeconds())
                    }
                case .abandon(let i):
                    pending[i] = nil
                case .connected(let i):
                    guard let socket = pending[i] else { continue }
                    socket.configureConnected()
                    return socket
                case .ready:
                    break
                case .fail(let failure):
                    throw failureError(failure, endpoint: endpoint)
                }
            }
            if !next.isEmpty {
                actions = next
                continue
            }
            let order = lifecycle.dialling.compactMap { i in pending[i].map { (index: i, socket: $0) } }
            let ready: [Readiness]
            do throws(NetError) {
                ready = try Reactor.waitOnConnections(
                    order.map { (fd: $0.socket.fd, interest: Interest.write) }, until: lifecycle.nextDeadline)
            } catch {
                if case .interrupted = error { _ = lifecycle.interrupt() } else { lifecycle.closed() }
                throw error
            }
            let now = monotonicSeconds()
            for (entry, readiness) in zip(order, ready) where !readiness.isEmpty {
                let err = entry.socket.pendingError()
                if err == 0 {
                    next += lifecycle.dialSucceeded(entry.index, handshakeReplies: handshakeReplies, now: now)
                } else {
                    next += lifecycle.dialFailed(entry.index, reason: errnoDescription(err), now: now)
                }
            }
            actions = next + lifecycle.timer(now: now)
        }
    }

    /// A TCP connection just made: no Nagle delay, keep-alive probes.
    func configureConnected() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The error a failed link is reported as.
    static func failureError(_ failure: LinkLifecycle.Failure, endpoint: Endpoint) -> NetError {
        switch failure {
        case .unresolved(let reason): return .connect(endpoint, reason: reason)
        case .unreachable(let reason): return .connect(endpoint, reason: reason ?? errnoDescription(ETIMEDOUT))
        case .handshakeTimedOut: return .timeout("no reply to the handshake from \(endpoint) in time")
        case .interrupted: return .interrupted
        }
    }

    private static func connectUnix(
        path: String, endpoint: Endpoint, lifecycle: inout LinkLifecycle, handshakeReplies: Int
    ) throws(NetError) -> Socket {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        _ = lifecycle.resolved(count: 1, now: monotonicSeconds())
        guard bytes.count < capacity else {
            _ = lifecycle.dialFailed(0, reason: "socket path too long", now: monotonicSeconds())
            throw NetError.connect(endpoint, reason: "socket path too long")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let deadline = lifecycle.nextDeadline
        do throws(NetError) {
            let socket = try withUnsafePointer(to: &addr) { p throws(NetError) -> Socket in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa throws(NetError) -> Socket in
                    try attempt(
                        family: AF_UNIX, address: sa, length: socklen_t(MemoryLayout<sockaddr_un>.size),
                        deadline: deadline)
                }
            }
            _ = lifecycle.dialSucceeded(0, handshakeReplies: handshakeReplies, now: monotonicSeconds())
            return socket
        } catch {
            if case .interrupted = error {
                _ = lifecycle.interrupt()
                throw error
            }
            _ = lifecycle.dialFailed(0, reason: error.description, now: monotonicSeconds())
            throw NetError.connect(endpoint, reason: error.description)
        }
    }

    /// Starts a non-blocking connect: the socket, and true when it connected at once.
    static func start(family: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t)
        throws(NetError) -> (Socket, Bool)
    {
        let fd = socket(family, platformSockStream, 0)
        guard fd >= 0 else { throw .io(SystemError(call: "socket", code: errno)) }
        let s = Socket(fd: fd)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if Platform.connect(fd, address, length) == 0 { return (s, true) }
        let e = errno
        guard e == EINPROGRESS || e == EINTR else { throw .io(SystemError(call: "connect", code: e)) }
        return (s, false)
    }

    /// The outcome of a non-blocking connect once the socket is writable: 0 or the errno.
    func pendingError() -> Int32 {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 { return errno }
        return err
    }

    /// One address: `.io` with connect's errno when it fails, `.interrupted` on Ctrl-C (the
    /// shell's waits give way to it).
    private static func attempt(
        family: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t, deadline: Double?
    ) throws(NetError) -> Socket {
        let (s, done) = try start(family: family, address: address, length: length)
        if done { return s }
        if try Reactor.waitOnConnection(s.fd, .write, until: deadline).isEmpty {
            throw .io(SystemError(call: "connect", code: ETIMEDOUT))
        }
        let err = s.pendingError()
        if err != 0 { throw .io(SystemError(call: "connect", code: err)) }
        return s
    }

    /// Reads what is available: `.done(0)` at end of stream, `.wouldBlock` when nothing is.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> SystemCallResult {
        try systemCall("read") { recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Writes what the socket takes now; `.wouldBlock` when it takes nothing.
    package func write(_ buffer: UnsafeRawBufferPointer) throws(SystemError) -> SystemCallResult {
        try systemCall("write") { send(fd, buffer.baseAddress, buffer.count, platformSendFlags) }
    }
}
