/// What `--sentinel` and its companions ask for: the master's name, the sentinels to ask, their
/// own credentials, and whether reads go to a replica.
package struct SentinelOptions: Sendable, Equatable {
    /// One sentinel's address (`--sentinel-addr host:port`, or `-h`/`-p`).
    package struct Address: Sendable, Equatable, CustomStringConvertible {
        /// Host name or IP.
        package var host: String
        /// Port.
        package var port: Int

        /// An address.
        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port` (`[v6]:port` for an IPv6 address).
        package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// `--sentinel <name>`: the master the sentinels are asked about; nil without Sentinel.
    package var master: String?
    /// `--sentinel-addr` (repeatable; also comma-separated): sentinels besides `-h`/`-p`.
    package var addresses: [Address] = []
    /// `--sentinel-replica`: read-only commands go to a replica of the master.
    package var replica = false
    /// `--sentinel-user`: the sentinels' ACL user.
    package var user: String?
    /// `--sentinel-pass`, a profile's `sentinel-password` or `REDISCLI_SENTINEL_AUTH`.
    package var password: String?
    /// `-h`, `-p` or `-u` was given: that address is a sentinel too (else it is only when no
    /// `--sentinel-addr` is given: 127.0.0.1:26379).
    package var serverGiven = false
    /// `-p` (or a URI's port) was given; without it the sentinel port is 26379.
    package var portGiven = false

    /// Defaults (no Sentinel).
    package init() {}

    /// True when a Sentinel option was given (they all need `--sentinel <name>`).
    var anyGiven: Bool { !addresses.isEmpty || replica || user != nil || password != nil }

    /// Parses `host:port[,host:port ...]` (`[v6]:port` for IPv6 addresses).
    static func parseAddresses(_ text: String) throws(RcliError) -> [Address] {
        var found: [Address] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingSpaces
            guard let colon = word.lastIndex(of: ":"), colon != word.startIndex else {
                throw RcliError.usage("Invalid --sentinel-addr '\(word)' (expected host:port)")
            }
            var host = String(word[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard let port = Int(word[word.index(after: colon)...]), port > 0, port < 65536, !host.isEmpty else {
                throw RcliError.usage("Invalid --sentinel-addr '\(word)' (expected host:port)")
            }
            found.append(Address(host: host, port: port))
        }
        return found
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
