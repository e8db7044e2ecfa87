import Cluster

/// A node address as the cluster manager takes it: `host:port` (split at the last colon),
/// `[v6]:port`, or `host port` as two words.
enum ManagerAddress {
    /// The address in `word`, nil when it has no valid port.
    static func parse(_ word: String) -> NodeAddress? {
        if word.hasPrefix("["), let close = word.firstIndex(of: "]") {
            let host = String(word[word.index(after: word.startIndex)..<close])
            let rest = word[word.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port), !host.isEmpty
            else { return nil }
            return NodeAddress(host: host, port: port)
        }
        guard let colon = word.lastIndex(of: ":") else { return nil }
        let host = String(word[..<colon])
        guard let port = Int(word[word.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty else {
            return nil
        }
        return NodeAddress(host: host, port: port)
    }

    /// The address at the start of `args` (one word `host:port`, or two words `host port`) and how
    /// many words it took.
    static func take(_ args: [String]) -> (NodeAddress, Int)? {
        guard let first = args.first else { return nil }
        if let address = parse(first) { return (address, 1) }
        if args.count > 1, let port = Int(args[1]), (1...65535).contains(port) {
            return (NodeAddress(host: first, port: port), 2)
        }
        return nil
    }

    /// `host:port`, with brackets around an IPv6 host.
    static func text(_ address: NodeAddress) -> String {
        address.host.contains(":") ? "[\(address.host)]:\(address.port)" : "\(address.host):\(address.port)"
    }

    static let invalid =
        "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP "
        + "and port (ie. 120.0.0.1 7000)"
}
