import RESP
import RedisNet

/// Key names for Tab at a key position: `SCAN cursor MATCH <prefix>* COUNT 5000` on every server
/// (each master with -c), for ~100 ms and a few thousand names at most, cached per prefix for a
/// few seconds (a longer prefix is served from a finished shorter one). On a large database the
/// budget ends the scan early; Tab again on the same prefix goes on from where it stopped. Names
/// with spaces, quotes or control characters are left out: they cannot be typed back as one word.
final class KeyCompleter {
    private struct Entry {
        let prefix: String
        let keys: Set<String>
        /// Where each server's scan stopped ("0": done).
        let cursors: [String]
        let time: Double
        /// Every server's cursor came back to 0: the list is whole.
        var whole: Bool { cursors.allSatisfy { $0 == "0" } }
    }

    private var cache: [Entry] = []
    static let budget = 0.1
    static let limit = 2000
    static let lifetime = 5.0

    /// Names starting with `prefix`, sorted.
    func keys(prefix: String, servers: [Session]) -> [String] {
        let now = monotonicSeconds()
        cache.removeAll { now - $0.time > Self.lifetime }
        if let hit = cache.first(where: { $0.whole && prefix.hasPrefix($0.prefix) }) {
            return hit.keys.filter { $0.hasPrefix(prefix) }.sorted()
        }
        // The same prefix again after a scan the budget cut short: go on from there.
        let earlier = cache.firstIndex { $0.prefix == prefix && $0.cursors.count == servers.count }
        var found = earlier.map { cache[$0].keys } ?? []
        var cursors = earlier.map { cache[$0].cursors } ?? servers.map { _ in "" }
        if let earlier { cache.remove(at: earlier) }
        let deadline = now + Self.budget
        let pattern = Self.escaped(prefix) + "*"
        for (i, session) in servers.enumerated() where cursors[i] != "0" {
            // "" until the first reply: a scan the budget never reached is not done.
            var cursor = cursors[i].isEmpty ? "0" : cursors[i]
            repeat {
                guard monotonicSeconds() < deadline, found.count < Self.limit,
                    let reply = SideQuery.send(session, ["SCAN", cursor, "MATCH", pattern, "COUNT", "5000"]),
                    case .array(let parts) = reply, parts.count == 2, let next = parts[0].text,
                    case .array(let names) = parts[1]
                else { break }
                for name in names {
                    guard let bytes = name.stringBytes,
                        bytes.allSatisfy({ $0 > 32 && $0 != 34 && $0 != 39 && $0 != 127 })
                    else { continue }
                    found.insert(String(decoding: bytes, as: UTF8.self))
                }
                cursor = next
                cursors[i] = next
            } while cursor != "0"
        }
        cache.append(Entry(prefix: prefix, keys: found, cursors: cursors, time: monotonicSeconds()))
        return found.sorted()
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
