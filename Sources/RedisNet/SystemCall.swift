/// A failed system call: which call and its errno.
package struct SystemError: Error, Sendable, CustomStringConvertible {
    /// The call that failed, e.g. "connect".
    package let call: String
    /// The errno it set.
    package let code: Int32
    /// The errno's text, as redis-cli shows it ("Connection refused").
    package var description: String { errnoDescription(code) }

    /// An error for `call` with `code`.
    package init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }
}

/// The outcome of a call on a non-blocking descriptor.
package enum SystemCallResult: Sendable, Equatable {
    /// The call's non-negative return value.
    case done(Int)
    /// EAGAIN/EWOULDBLOCK (or EINPROGRESS for connect): try again when the descriptor is ready.
    case wouldBlock
}

/// Runs a system call, retrying on EINTR; EAGAIN/EWOULDBLOCK/EINPROGRESS come back as
/// `.wouldBlock`, any other failure is thrown with the call's name.
package func systemCall(_ name: String, _ body: () -> Int) throws(SystemError) -> SystemCallResult {
    while true {
        let r = body()
        if r >= 0 { return .done(r) }
        let e = errno
        if e == EINTR { continue }
        if e == EAGAIN || e == EWOULDBLOCK || e == EINPROGRESS { return .wouldBlock }
        throw SystemError(call: name, code: e)
    }
}

/// Milliseconds on the monotonic clock.
package func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Seconds on the monotonic clock, with sub-millisecond precision.
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Whole seconds since the epoch on the wall clock (to compare with times servers report).
package func wallClockSeconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int(ts.tv_sec)
}
