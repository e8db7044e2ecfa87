/// A host name's addresses from getaddrinfo(3), looked up on a helper thread so that waiting for
/// them is a wait like the others: it has a deadline, and Ctrl-C ends it where the program asked
/// so (a resolver that does not answer no longer holds the shell). A numeric address is read at
/// once, without a thread. Owns the list it returns (freed with the lookup).
final class AddressLookup: @unchecked Sendable {
    private let host: String
    private let service: String
    // Written by the helper thread before it writes the pipe's byte, read by the waiter only
    // after it has read that byte: the pipe orders them. Whoever lets go last frees the list.
    private var code: Int32 = 0
    private var systemErrno: Int32 = 0
    private var list: UnsafeMutablePointer<addrinfo>?
    private var readFD: Int32 = -1
    private var writeFD: Int32 = -1
    private var answered = false

    private init(host: String, service: String) {
        self.host = host
        self.service = service
    }

    deinit {
        if let list { freeaddrinfo(list) }
        if readFD >= 0 { close(readFD) }
        if writeFD >= 0 { close(writeFD) }
    }

    /// What getaddrinfo said: the list (owned by `owner`, valid while it lives) or its reason.
    struct Answer {
        /// Keeps `first` alive.
        let owner: AnyObject
        /// The first address.
        let first: UnsafeMutablePointer<addrinfo>
    }

    /// Starts looking `host` up: a numeric address (or a host name when no thread can be
    /// started) is answered at once; otherwise `descriptor` becomes readable when the answer is
    /// in (for a wait loop to watch).
    static func start(_ host: String, port: Int) -> AddressLookup {
        let lookup = AddressLookup(host: host, service: String(port))
        if isIPAddress(host) || !lookup.startThread() {
            lookup.run(numericOnly: isIPAddress(host))
            lookup.answered = true
        }
        return lookup
    }

    /// The descriptor that becomes readable once the answer is in; nil when it already is.
    var descriptor: Int32? { answered ? nil : readFD }

    /// Takes the answer once `descriptor` was readable (or was nil): the addresses, or
    /// `.connect` with the resolver's words.
    func answer(_ endpoint: Endpoint) throws(NetError) -> Answer {
        answered = true
        guard code == 0, let first = list else {
            let reason = code == EAI_SYSTEM ? errnoDescription(systemErrno) : String(cString: gai_strerror(code))
            throw .connect(endpoint, reason: reason)
        }
        return Answer(owner: self, first: first)
    }

    private func startThread() -> Bool {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return false }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return Platform.detach { [self] in
            run(numericOnly: false)
            var byte: UInt8 = 1
            _ = Platform.write(writeFD, &byte, 1)
        }
    }

    private func run(numericOnly: Bool) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = platformSockStream
        if numericOnly { hints.ai_flags = AI_NUMERICHOST }
        var result: UnsafeMutablePointer<addrinfo>?
        code = getaddrinfo(host, service, &hints, &result)
        systemErrno = errno
        list = result
    }
}
