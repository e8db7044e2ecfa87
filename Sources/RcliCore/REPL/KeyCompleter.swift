import RESP
import RedisNet

/// Key names for Tab at a key position: `SCAN cursor MATCH <prefix>* COUNT 5000` on every server
/// (each master with -c), for ~100 ms and a few thousand names at most, cached per prefix for a
/// few seconds (a longer prefix is served from a finished shorter one). Names with spaces,
/// quotes or control characters are left out: they cannot be typed back as one word.
final class KeyCompleter {
    private struct Entry {
        let prefix: String
        let keys: [String]
        /// Every server's cursor came back to 0: the list is whole.
        let whole: Bool
        let time: Double
    }

    private var cache: [Entry] = []
    static let budget = 0.1
    static let limit = 2000
    static let lifetime = 5.0

    /// Names starting with `prefix`, sorted.
    func keys(prefix: String, servers: [Session]) -> [String] {
        let now = monotonicSeconds()
        cache.removeAll { now - $0.time > Self.lifetime }
        if let hit = cache.first(where: { $0.prefix == prefix || ($0.whole && prefix.hasPrefix($0.prefix)) }) {
            return hit.keys.filter { $0.hasPrefix(prefix) }
        }
        var found = Set<String>()
        var whole = true
        let deadline = now + Self.budget
        let pattern = Self.escaped(prefix) + "*"
        for session in servers {
            var cursor = "0"
            repeat {
                guard monotonicSeconds() < deadline, found.count < Self.limit,
                    let reply = SideQuery.send(session, ["SCAN", cursor, "MATCH", pattern, "COUNT", "5000"]),
                    case .array(let parts) = reply, parts.count == 2, let next = parts[0].text,
                    case .array(let names) = parts[1]
                else {
                    whole = false
                    break
                }
                for name in names {
                    guard let bytes = name.stringBytes,
                        bytes.allSatisfy({ $0 > 32 && $0 != 34 && $0 != 39 && $0 != 127 })
                    else { continue }
                    found.insert(String(decoding: bytes, as: UTF8.self))
                }
                cursor = next
            } while cursor != "0"
        }
        let keys = found.sorted()
        cache.append(Entry(prefix: prefix, keys: keys, whole: whole, time: monotonicSeconds()))
        return keys
    }

    /// `prefix` with SCAN's glob characters escaped.
    static func escaped(_ prefix: String) -> String {
        var out = ""
        for c in prefix {
            if "*?[]\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
