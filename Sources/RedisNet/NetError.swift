import RESP

/// A failure talking to a server (server error replies are values, not these).
package enum NetError: Error, Sendable, CustomStringConvertible {
    /// The connection could not be made; `reason` is errno's or the resolver's text.
    case connect(Endpoint, reason: String)
    /// The server closed the connection.
    case closed
    /// A read or write failed.
    case io(SystemError)
    /// The server sent bytes that are not valid RESP, or exceed the limits.
    case protocolViolation(RESPProtocolError)
    /// No answer within the time allowed.
    case timeout(String)
    /// TLS configuration or protocol failure (OpenSSL's reasons).
    case tls(String)
    /// Ctrl-C ended a blocking wait (only where the program asked for that: the shell).
    case interrupted

    /// One line, as printed after "Error: " or on its own.
    package var description: String {
        switch self {
        case .connect(let endpoint, let reason):
            return "Could not connect to \(Voice.current.server) at \(endpoint): \(reason)"
        case .closed: return "Server closed the connection"
        case .io(let e): return e.description
        case .protocolViolation(let e): return e.description
        case .timeout(let what): return what
        case .tls(let what): return what
        case .interrupted: return "Interrupted"
        }
    }
}
