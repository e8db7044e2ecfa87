/// A server version (`7.0.15`), from INFO (`ServerIdentity`) or a COMMAND DOCS `since`; compared
/// part by part, a missing part counting as 0.
package struct ServerVersion: Comparable, Sendable, CustomStringConvertible {
    package let parts: [Int]

    /// The version in `text` (`6.2.0`); nil unless it is numbers separated by dots.
    package init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 4, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        self.parts = parts.compactMap { $0 }
    }

    package static func < (a: ServerVersion, b: ServerVersion) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) {
            let x = i < a.parts.count ? a.parts[i] : 0
            let y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    package static func == (a: ServerVersion, b: ServerVersion) -> Bool { !(a < b) && !(b < a) }

    package var description: String { parts.map(String.init).joined(separator: ".") }
}
