/// Which IP family a host name's addresses are tried in first (`-4` / `-6`).
package enum AddressFamily: Sendable, Hashable {
    /// The resolver's order.
    case any
    /// IPv4 addresses first, then the others.
    case ipv4
    /// IPv6 addresses first, then the others.
    case ipv6

    /// The `ai_family` this preference puts first, nil for `.any`.
    var preferred: Int32? {
        switch self {
        case .any: return nil
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        }
    }

    /// The entries of a `getaddrinfo` list, preferred family first (see `order`).
    func ordered(_ list: UnsafeMutablePointer<addrinfo>) -> [UnsafeMutablePointer<addrinfo>] {
        var all: [UnsafeMutablePointer<addrinfo>] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let ai = cursor {
            all.append(ai)
            cursor = ai.pointee.ai_next
        }
        return order(all) { $0.pointee.ai_family }
    }

    /// `items` with the preferred family's first, each family in the resolver's order. A
    /// preference steers the order only: a name without an address of the preferred family
    /// still resolves to its others.
    package func order<T>(_ items: [T], family: (T) -> Int32) -> [T] {
        guard let preferred else { return items }
        return items.filter { family($0) == preferred } + items.filter { family($0) != preferred }
    }
}
