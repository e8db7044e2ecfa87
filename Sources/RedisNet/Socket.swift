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

    /// Connects to the Unix socket at `path` at once (a local connect does not wait on a peer),
    /// driving `lifecycle` through resolving and connecting.
    static func connectUnix(
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
