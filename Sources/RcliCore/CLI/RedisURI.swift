/// `-u` URIs: `redis://[[user][:password]@]host[:port][/db]` and
/// `unix://[[user][:password]@]/path/to/socket[?db=N]`. `rediss://` is `redis://` over TLS;
/// valkey-cli's `valkey://` and `valkeys://` are the same two.
package enum RedisURI {
    /// Each scheme (lower case, with its `://`) and whether it means TLS.
    private static let tcpSchemes: [(scheme: String, tls: Bool)] = [
        ("redis://", false), ("rediss://", true), ("valkey://", false), ("valkeys://", true),
    ]

    package static func apply(_ uri: String, to config: inout CLIConfiguration) throws(RcliError) {
        let lower = uri.lowercased()
        let isUnix = lower.hasPrefix("unix://")
        let tcp = tcpSchemes.first { lower.hasPrefix($0.scheme) }
        guard isUnix || tcp != nil else { throw RcliError.usage("Invalid URI scheme") }
        if tcp?.tls == true { config.tls = true }
        var rest = Substring(uri.dropFirst(tcp?.scheme.count ?? 7))

        // userinfo: up to the last '@' before the path
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<pathStart].lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                let user = userinfo[..<colon]
                if !user.isEmpty { config.user = try percentDecode(user) }
                config.password = try percentDecode(userinfo[userinfo.index(after: colon)...])
            } else if !userinfo.isEmpty {
                config.password = try percentDecode(userinfo)
            }
            config.passwordOnCommandLine = true
        }

        if isUnix {
            var path = rest
            if let q = rest.firstIndex(of: "?") {
                path = rest[..<q]
                for pair in rest[rest.index(after: q)...].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, kv[0] == "db" { config.database = try database(kv[1], uri: uri) }
                }
            }
            guard path.hasPrefix("/") else {
                throw RcliError.usage("Invalid URI: '\(uri)' (a unix:// URI needs an absolute socket path)")
            }
            config.socketPath = try percentDecode(path)
            return
        }

        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty { config.database = try database(db, uri: uri) }
        }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw RcliError.usage("Invalid URI: '\(uri)'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                port = after.dropFirst()
            } else if !after.isEmpty {
                throw RcliError.usage("Invalid URI: '\(uri)'")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        if !host.isEmpty { config.host = String(host) }
        if let port {
            guard let p = Int(port), (1...65535).contains(p) else {
                throw RcliError.usage("Invalid port in URI: '\(uri)'")
            }
            config.port = p
        }
    }

    private static func database(_ s: Substring, uri: String) throws(RcliError) -> Int {
        guard let n = Int(s), n >= 0 else { throw RcliError.usage("Invalid database number in URI: '\(uri)'") }
        return n
    }

    private static func percentDecode(_ s: Substring) throws(RcliError) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else {
                    throw RcliError.usage("Invalid percent-encoding in URI")
                }
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
