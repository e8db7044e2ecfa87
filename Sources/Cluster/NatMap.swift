/// `--nat-map from=to,...`: rewrites the node addresses a cluster announces (in its topology and
/// in redirects), for reaching it through tunnels or port forwards. `from` and `to` are
/// `host:port` or just `host` (the port is kept).
package struct NatMap: Sendable, Equatable {
    private var rules: [(from: String, fromPort: Int?, to: String, toPort: Int?)] = []

    /// No rewriting.
    package init() {}

    /// Parses `a:1=b:2,c=d`; nil with a reason when malformed.
    package init(parsing text: String) throws(NatMapError) {
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let sides = item.split(separator: "=", omittingEmptySubsequences: false)
            guard sides.count == 2, let from = Self.side(sides[0]), let to = Self.side(sides[1]) else {
                throw NatMapError(item: String(item))
            }
            if (from.port == nil) != (to.port == nil) { throw NatMapError(item: String(item)) }
            rules.append((from.host, from.port, to.host, to.port))
        }
        if rules.isEmpty { throw NatMapError(item: text) }
    }

    private static func side(_ text: Substring) -> (host: String, port: Int?)? {
        var host = text
        var portText: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// True when there are no rules.
    package var isEmpty: Bool { rules.isEmpty }

    /// The address to dial for an announced one.
    package func translate(_ node: NodeAddress) -> NodeAddress {
        for rule in rules where rule.from == node.host && (rule.fromPort == nil || rule.fromPort == node.port) {
            return NodeAddress(host: rule.to, port: rule.toPort ?? node.port)
        }
        return node
    }

    /// A translated copy of a slot map.
    package func translate(_ map: SlotMap) -> SlotMap {
        if rules.isEmpty { return map }
        return map.mapNodes(translate)
    }

    package static func == (a: NatMap, b: NatMap) -> Bool {
        a.rules.elementsEqual(b.rules) {
            $0.from == $1.from && $0.fromPort == $1.fromPort && $0.to == $1.to && $0.toPort == $1.toPort
        }
    }
}

/// A `--nat-map` entry that is not `from=to`.
package struct NatMapError: Error, Sendable, CustomStringConvertible {
    /// The offending entry.
    package let item: String
    package var description: String {
        "Invalid --nat-map entry '\(item)': expected from=to with host or host:port on both sides"
    }
}
