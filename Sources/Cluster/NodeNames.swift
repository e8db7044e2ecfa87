/// What a cluster says of a node besides the endpoint it prefers clients to use (the address in
/// `CLUSTER SHARDS`' `endpoint`, `CLUSTER SLOTS`' first field, MOVED and ASK).
package struct NodeNames: Sendable, Hashable {
    /// The announced hostname (`cluster-announce-hostname`) when it is not the endpoint: the name
    /// the node's TLS certificate is checked against, never an address to dial.
    package var hostname: String?
    /// The node's IP when it is not the endpoint: dialled when the endpoint is an announced name
    /// that does not resolve here.
    package var ip: String?

    /// Names for a node whose endpoint is `endpoint`; empty and `?` values (unknown) are left out,
    /// and so are values equal to the endpoint.
    package init(endpoint: String, hostname: String?, ip: String?) {
        func known(_ value: String?) -> String? {
            guard let value, !value.isEmpty, value != "?", value != endpoint else { return nil }
            return value
        }
        self.hostname = known(hostname)
        self.ip = known(ip)
    }

    /// True when there is nothing beyond the endpoint.
    package var isEmpty: Bool { hostname == nil && ip == nil }
}
