/// The shell's history file in redis-cli's format: one command per line, no header, so a
/// `REDISCLI_HISTFILE` shared with redis-cli reads the same in both. A file libedit wrote
/// (`_HiStOrY_V2_` and `\040` escapes, what rcli wrote before) is read once and rewritten
/// plain. The file is mode 0600; lines carrying secrets never get here (`HistoryPolicy`).
package struct HistoryFile {
    /// The file's path.
    package let path: String
    /// The entries, oldest first.
    package private(set) var lines: [String] = []
    /// Entries kept (the oldest are dropped beyond it).
    package let limit: Int

    /// Why a file cannot be used as history (it is then left exactly as it is).
    package enum Unusable: Error, Equatable {
        /// It cannot be read (a directory, no permission ...).
        case unreadable
        /// It holds bytes no typed command has (NUL, invalid UTF-8): not a history file.
        case notHistory
    }

    private static let libeditHeader = "_HiStOrY_V2_"

    /// An empty history for `path` (nothing is read).
    package init(path: String, limit: Int = 10_000) {
        self.path = path
        self.limit = limit
    }

    /// Reads `path` (a missing file is an empty history). A libedit file is converted and
    /// rewritten plain at once.
    package static func load(_ path: String, limit: Int = 10_000) -> Result<HistoryFile, Unusable> {
        var history = HistoryFile(path: path, limit: limit)
        guard System.fileExists(path) else { return .success(history) }
        guard case .success(let bytes) = System.readFile(path) else { return .failure(.unreadable) }
        guard let lines = parse(bytes) else { return .failure(.notHistory) }
        history.lines = Array(lines.suffix(limit))
        _ = System.ensurePrivateFile(path)
        if lines.first.map({ _ in bytes.starts(with: Array(libeditHeader.utf8)) }) ?? false {
            _ = history.save()
        }
        return .success(history)
    }

    /// The entries in a file's bytes; nil when they are not text.
    package static func parse(_ bytes: [UInt8]) -> [String]? {
        guard !bytes.contains(0) else { return nil }
        var lines: [String] = []
        for var line in bytes.split(separator: 10, omittingEmptySubsequences: true) {
            if line.last == 13 { line = line.dropLast() }
            guard let text = String(validating: line, as: UTF8.self) else { return nil }
            lines.append(text)
        }
        if lines.first == libeditHeader {
            // An entry with a line break cannot be typed (nor kept one per line).
            lines = lines.dropFirst().map(unvis).filter { !$0.contains("\n") }
        }
        return lines.filter { !$0.isEmpty }
    }

    /// Adds an entry (not when it repeats the last one, as libedit and redis-cli do not).
    package mutating func append(_ line: String) {
        guard !line.isEmpty, lines.last != line else { return }
        lines.append(line)
        if lines.count > limit { lines.removeFirst(lines.count - limit) }
    }

    /// Writes the file (mode 0600); false on failure.
    package func save() -> Bool {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(10)
        }
        return System.replacePrivateFile(path, with: bytes)
    }

    /// Decodes one line libedit saved with `strvis(VIS_WHITE)`: `\040` octal, `\\`, C escapes
    /// (`\n`, `\s` ...) and the meta forms `\M-x`, `\M^x`, `\^x`.
    package static func unvis(_ line: String) -> String {
        let s = Array(line.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        func octal(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "7") }
        while i < s.count {
            guard s[i] == UInt8(ascii: "\\"), i + 1 < s.count else {
                out.append(s[i])
                i += 1
                continue
            }
            let c = s[i + 1]
            if octal(c) {
                var value = 0
                var j = i + 1
                while j < s.count && j < i + 4 && octal(s[j]) {
                    value = value * 8 + Int(s[j] - UInt8(ascii: "0"))
                    j += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
                i = j
                continue
            }
            var meta: UInt8 = 0
            var k = i + 1
            if c == UInt8(ascii: "M"), i + 3 < s.count {
                meta = 0x80
                k = i + 2
                if s[k] == UInt8(ascii: "-") {
                    out.append(s[k + 1] | meta)
                    i = k + 2
                    continue
                }
            }
            if s[k] == UInt8(ascii: "^"), k + 1 < s.count {
                let x = s[k + 1]
                out.append((x == UInt8(ascii: "?") ? 0x7f : x & 0x1f) | meta)
                i = k + 2
                continue
            }
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "n"): 10, UInt8(ascii: "t"): 9, UInt8(ascii: "r"): 13, UInt8(ascii: "s"): 32,
                UInt8(ascii: "b"): 8, UInt8(ascii: "a"): 7, UInt8(ascii: "v"): 11, UInt8(ascii: "f"): 12,
                UInt8(ascii: "E"): 27,
            ]
            out.append(simple[c] ?? c)
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}
