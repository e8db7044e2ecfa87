// The one file with platform conditionals: the C library is imported (and re-exported to the
// other targets) here, and every call whose name or shape differs between Linux and Darwin has a
// neutral wrapper below. Nothing outside this file names Glibc or Darwin.
#if canImport(Glibc)
    @_exported @preconcurrency import Glibc
    /// The platform's socket type constant for streams.
    let platformSockStream = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Musl)
    @_exported @preconcurrency import Musl
    let platformSockStream = SOCK_STREAM
#elseif canImport(Darwin)
    @_exported @preconcurrency import Darwin
    let platformSockStream = SOCK_STREAM
#endif

/// send() flags that keep a write to a closed socket from raising SIGPIPE.
#if canImport(Darwin)
    let platformSendFlags: Int32 = 0
#else
    let platformSendFlags = Int32(MSG_NOSIGNAL)
#endif

/// The text of an errno value.
package func errnoDescription(_ code: Int32) -> String {
    guard let p = strerror(code) else { return "error \(code)" }
    return String(cString: p)
}

/// True for errno values that mean the peer went away.
func isPeerGone(_ code: Int32) -> Bool {
    code == EPIPE || code == ECONNRESET || code == ECONNABORTED
}

/// Neutral names for C calls that the rest of the code cannot call unqualified (a Swift method
/// of the same name shadows them) or whose shape differs between platforms.
package enum Platform {
    /// read(2).
    package static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        readFromDescriptor(fd, buffer, count)
    }

    /// write(2).
    package static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        writeToDescriptor(fd, buffer, count)
    }

    /// open(2) with a creation mode.
    package static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        openPath(path, flags, mode)
    }

    /// connect(2).
    static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
        connectSocket(fd, address, length)
    }

    /// exit(3).
    package static func exit(_ status: Int32) -> Never {
        exitProcess(status)
    }

    /// The process environment.
    package static func environment() -> [String: String] {
        #if canImport(Darwin)
            guard let start = _NSGetEnviron()?.pointee else { return [:] }
            var p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = start
        #else
            var p = environ
        #endif
        var env: [String: String] = [:]
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    /// Installs `handler` for `signal`, without SA_RESTART (a blocked call returns EINTR), and
    /// unblocks the signal (a parent may hand it down blocked: the mask survives exec).
    package static func handle(signal: Int32, with handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = handler
        #else
            action.__sigaction_handler.sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, signal)
        sigprocmask(SIG_UNBLOCK, &mask, nil)
    }

    /// True when `signal` is ignored (a background job of a shell without job control inherits
    /// SIGINT ignored).
    package static func isIgnored(signal: Int32) -> Bool {
        var action = sigaction()
        guard sigaction(signal, nil, &action) == 0 else { return false }
        #if canImport(Darwin)
            let handler = action.__sigaction_u.__sa_handler
        #else
            let handler = action.__sigaction_handler.sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Runs `body` on a new detached thread; false when no thread could be started.
    package static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
            let rc = pthread_create(
                &thread, nil,
                { raw in
                    Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
                    return nil
                }, context)
            if rc == 0, let thread { pthread_detach(thread) }
        #else
            var thread = pthread_t()
            let rc = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
                    return nil
                }, context)
            if rc == 0 { pthread_detach(thread) }
        #endif
        if rc != 0 { Unmanaged<ThreadBody>.fromOpaque(context).release() }
        return rc == 0
    }

    /// The terminal's width in columns, nil when `fd` is not a terminal.
    package static func terminalColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

/// A helper thread's work, boxed for pthread_create's context pointer.
private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

// Unqualified C calls, outside any type that has a method of the same name.
private func readFromDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

private func writeToDescriptor(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func openPath(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

private func connectSocket(_ fd: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

private func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
