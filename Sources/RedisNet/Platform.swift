// The one file with platform conditionals: the C library is imported (and re-exported to RcliCore) here.
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

/// poll(2) event bits, so callers need not import the C library.
package let pollReadable = Int16(POLLIN)
/// poll(2) writable bit.
package let pollWritable = Int16(POLLOUT)
/// poll(2) hang-up and error bits.
package let pollHangupOrError = Int16(POLLHUP | POLLERR)

/// True for errno values that mean the peer went away.
func isPeerGone(_ code: Int32) -> Bool {
    code == EPIPE || code == ECONNRESET || code == ECONNABORTED
}
