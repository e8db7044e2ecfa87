import FuzzSupport
import RcliCore

/// `-u` URIs on arbitrary text. Properties: a URI is either refused with a usage error or gives
/// a port in 1...65535, a database >= 0 and (for unix://) an absolute socket path; a configuration
/// read from a URI, written back as a URI (percent-encoding what needs it), reads back the same.
func fuzzURI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let uri = String(decoding: bytes(data, size), as: UTF8.self)
    var config = CLIConfiguration()
    do {
        try RedisURI.apply(uri, to: &config)
    } catch {
        guard case .usage = error else {
            require(false, "\(uri) failed with \(error), not a usage error")
            return 0
        }
        return 0
    }
    require((1...65535).contains(config.port), "port \(config.port)")
    require(config.database >= 0, "database \(config.database)")
    require(config.socketPath.map { $0.hasPrefix("/") } ?? true, "socket \(config.socketPath ?? "")")
    // A host with both ':' and ']' (`redis://a]:b:80`, accepted as redis-cli accepts it) has no
    // bracketed form to write it back in.
    if config.host.contains("]") && config.host.contains(":") { return 0 }
    let again = URIText.render(config)
    var back = CLIConfiguration()
    do {
        try RedisURI.apply(again, to: &back)
    } catch {
        require(false, "\(uri) written back as \(again) is refused: \(error)")
    }
    require(URIText.fields(back) == URIText.fields(config), "\(uri) written back as \(again) reads differently")
    return 0
}

/// A configuration as a URI, for the round trip.
enum URIText {
    static func fields(_ c: CLIConfiguration) -> [String] {
        [c.host, "\(c.port)", c.socketPath ?? "-", c.user ?? "-", c.password ?? "-", "\(c.database)", "\(c.tls)"]
    }

    static func render(_ c: CLIConfiguration) -> String {
        var s = c.socketPath != nil ? "unix://" : c.tls ? "rediss://" : "redis://"
        if let password = c.password { s += encode(c.user ?? "", keep: "") + ":" + encode(password, keep: "") + "@" }
        if let path = c.socketPath {
            return s + encode(path, keep: "/") + "?db=\(c.database)"
        }
        let bracket = c.host.contains(":") || c.host.hasPrefix("[")
        return s + (bracket ? "[\(c.host)]" : c.host) + ":\(c.port)/\(c.database)"
    }

    /// Percent-encodes everything but unreserved ASCII (and `keep`).
    static func encode(_ text: String, keep: String) -> String {
        var out = ""
        for b in text.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c) || keep.contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(b >> 4, radix: 16) + String(b & 15, radix: 16)
            }
        }
        return out
    }
}
