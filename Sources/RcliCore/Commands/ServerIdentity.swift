/// Which server answers and its version, from `INFO server`: the committed command table offers
/// a server only what its kind and version have (when it does not answer COMMAND DOCS).
package struct ServerIdentity: Sendable, Equatable, CustomStringConvertible {
    /// The server's kind; the table keeps each command's origin in these terms.
    package enum Kind: String, Sendable, Equatable {
        case redis, valkey
    }

    /// Redis or Valkey.
    package var kind: Kind
    /// The version the table's `since` values for `kind` speak of: `redis_version` for Redis,
    /// `valkey_version` for Valkey (whose `redis_version` stays at the 7.2.4 it forked from).
    package var version: ServerVersion

    /// An identity from its parts.
    package init(_ kind: Kind, _ version: ServerVersion) {
        self.kind = kind
        self.version = version
    }

    /// The identity an `INFO server` reply gives: Valkey when it says `server_name:valkey` or has
    /// `valkey_version` (then that version, or `redis_version` when it lacks one); Redis otherwise.
    /// Nil without a readable `redis_version`.
    package init?(info text: String) {
        var fields: [Substring: Substring] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon]] = line[line.index(after: colon)...]
        }
        guard let redis = fields["redis_version"].flatMap({ ServerVersion(String($0)) }) else { return nil }
        let valkey = fields["valkey_version"].flatMap { ServerVersion(String($0)) }
        if fields["server_name"]?.lowercased() == "valkey" || valkey != nil {
            self.init(.valkey, valkey ?? redis)
        } else {
            self.init(.redis, redis)
        }
    }

    /// `redis 7.0.15`, `valkey 9.1.2`.
    package var description: String { "\(kind.rawValue) \(version)" }
}
