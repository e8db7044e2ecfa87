import RESP

/// A cluster error reply that asks the client to go elsewhere or try again.
package enum Redirect: Sendable, Equatable {
    /// `MOVED slot host:port`: the slot lives on that node now.
    case moved(slot: Int, node: NodeAddress)
    /// `ASK slot host:port`: this one command goes to that node, after `ASKING`.
    case ask(slot: Int, node: NodeAddress)
    /// `TRYAGAIN`, `CLUSTERDOWN`, `MASTERDOWN`, `LOADING`: the same command may succeed later.
    case retry(reason: String)
    /// A MOVED or ASK whose slot or address cannot be read.
    case malformed(String)

    /// The redirect an error reply asks for, nil for an ordinary error. An empty host in the
    /// address (`MOVED 3999 :6381`) means the host of the node that replied.
    package static func parse(_ error: [UInt8], replyingHost: String) -> Redirect? {
        let text = String(decoding: error.prefix(512), as: UTF8.self)
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let code = words.first else { return nil }
        switch code {
        case "MOVED", "ASK":
            guard words.count >= 3, let slot = Int(words[1]), (0..<HashSlot.count).contains(slot),
                let node = NodeAddress(parsing: String(words[2]), defaultHost: replyingHost)
            else {
                return .malformed(Self.visible(text))
            }
            return code == "MOVED" ? .moved(slot: slot, node: node) : .ask(slot: slot, node: node)
        case "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "LOADING":
            return .retry(reason: Self.visible(text))
        default:
            return nil
        }
    }

    /// `text` with control characters shown as `\xNN`, for messages.
    static func visible(_ text: String) -> String {
        var out: [UInt8] = []
        Escaping.appendTerminalSafe(Array(text.utf8), multiline: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension NodeAddress {
    /// `host:port`, split at the last `:` (IPv6 addresses keep theirs); an empty host becomes
    /// `defaultHost`. Nil when the port is not a number in 1...65535, or when the host has a byte
    /// that is not printable ASCII: a NUL would cut the name short when it is resolved, so rcli
    /// would connect somewhere other than the address it names (found by fuzzing).
    package init?(parsing text: String, defaultHost: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        guard host.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? defaultHost : host, port: port)
    }
}
