/// Where a server listens.
package enum Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// A host name or address and a TCP port.
    case tcp(host: String, port: Int)
    /// A Unix domain socket path.
    case unix(path: String)

    /// `host:port` or the socket path, as redis-cli prints it in messages and prompts.
    package var description: String {
        switch self {
        case .tcp(let host, let port): return "\(host):\(port)"
        case .unix(let path): return path
        }
    }
}

/// True for an IPv4 or IPv6 address literal (not a host name).
package func isIPAddress(_ name: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
}
