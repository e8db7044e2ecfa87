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

    /// Connects to `endpoint`, trying each resolved address in turn; `timeout` in seconds
    /// bounds each attempt (nil: the operating system's own limit); `prefer` (`-4` / `-6`)
    /// tries that family's addresses first. A host name that does not resolve is replaced by
    /// `fallbackHost` when there is one (a cluster node's IP behind a name it announces).
    package static func connect(
        to endpoint: Endpoint, timeout: Double?, prefer: AddressFamily = .any, fallbackHost: String? = nil
    ) throws(NetError) -> Socket {
        switch endpoint {
        case .unix(let path):
            return try connectUnix(path: path, endpoint: endpoint, timeout: timeout)
        case .tcp(let host, let port):
            return try connectTCP(
                host: host, port: port, endpoint: endpoint, timeout: timeout, prefer: prefer, fallbackHost: fallbackHost
            )
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
        host: String, port: Int, endpoint: Endpoint, timeout: Double?, prefer: AddressFamily, fallbackHost: String?
    ) throws(NetError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = platformSockStream
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            if let fallback = fallbackHost, fallback != host {
                return try connectTCP(
                    host: fallback, port: port, endpoint: .tcp(host: fallback, port: port), timeout: timeout,
                    prefer: prefer, fallbackHost: nil)
            }
            let reason = rc == EAI_SYSTEM ? errnoDescription(errno) : String(cString: gai_strerror(rc))
            throw NetError.connect(endpoint, reason: reason)
        }
        defer { freeaddrinfo(first) }
        var lastReason = "no address"
        for ai in prefer.ordered(first) {
            do throws(NetError) {
                let socket = try attempt(
                    family: ai.pointee.ai_family, address: ai.pointee.ai_addr,
                    length: ai.pointee.ai_addrlen, timeout: timeout)
                var one: Int32 = 1
                setsockopt(socket.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                setsockopt(socket.fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
                return socket
            } catch {
                // Ctrl-C stops the whole connect, not this address.
                if case .interrupted = error { throw error }
                lastReason = error.description
            }
        }
        throw NetError.connect(endpoint, reason: lastReason)
    }

    private static func connectUnix(path: String, endpoint: Endpoint, timeout: Double?) throws(NetError) -> Socket {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else { throw NetError.connect(endpoint, reason: "socket path too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        do throws(NetError) {
            return try withUnsafePointer(to: &addr) { p throws(NetError) -> Socket in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa throws(NetError) -> Socket in
                    try attempt(
                        family: AF_UNIX, address: sa, length: socklen_t(MemoryLayout<sockaddr_un>.size),
                        timeout: timeout)
                }
            }
        } catch {
            if case .interrupted = error { throw error }
            throw NetError.connect(endpoint, reason: error.description)
        }
    }

    /// One address: `.io` with connect's errno when it fails, `.interrupted` on Ctrl-C (the
    /// shell's waits give way to it).
    private static func attempt(
        family: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t,
        timeout: Double?
    ) throws(NetError) -> Socket {
        let fd = socket(family, platformSockStream, 0)
        guard fd >= 0 else { throw .io(SystemError(call: "socket", code: errno)) }
        let s = Socket(fd: fd)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let r = Platform.connect(fd, address, length)
        if r == 0 { return s }
        let e = errno
        guard e == EINPROGRESS || e == EINTR else { throw .io(SystemError(call: "connect", code: e)) }
        let deadline = timeout.map { monotonicSeconds() + max($0, 0.001) }
        if try Reactor.waitOnConnection(fd, .write, until: deadline).isEmpty {
            throw .io(SystemError(call: "connect", code: ETIMEDOUT))
        }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
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
