/// A shell line split at its first unquoted `|` word (`lrange l 0 -1 | grep x`): the line before it
/// runs as usual and its output goes to `/bin/sh -c` with the text after it. Words are found with
/// the shell's own quoting rules (`CommandLineSplitter`), so a quoted `"|"` or `'|'` stays an
/// argument, as does a `|` inside a word (`a|b`); what follows the `|` is kept exactly as typed,
/// for `/bin/sh` to read with its own quoting. Only the interactive shell reads lines this way:
/// scripts, piped input and one-shot commands send `|` as an argument.
package enum ShellPipeLine: Equatable, Sendable {
    /// No unquoted `|` word: the line runs as it is.
    case plain
    /// `command | shell`: `command` (the bytes before the `|`) is run and its output fed to
    /// `shell` (the text after it, leading blanks dropped).
    case piped(command: [UInt8], shell: String)
    /// A `|` with nothing after it: an error line, nothing is sent.
    case missingShellCommand
    /// A `|` with nothing before it: an error line.
    case missingCommand

    /// The line's reading.
    package init<C: Collection>(_ line: C) where C.Element == UInt8 {
        let bytes = Array(line)
        guard let bar = Self.firstBareBar(bytes) else {
            self = .plain
            return
        }
        let before = Array(bytes[..<bar])
        var start = bar + 1
        while start < bytes.count, CommandLineSplitter.isSpace(bytes[start]) { start += 1 }
        if start >= bytes.count {
            self = .missingShellCommand
        } else if before.allSatisfy(CommandLineSplitter.isSpace) {
            self = .missingCommand
        } else {
            self = .piped(command: before, shell: String(decoding: bytes[start...], as: UTF8.self))
        }
    }

    /// The error line for a `|` that cannot run (nil for the others).
    package var problem: String? {
        switch self {
        case .missingShellCommand:
            return "rcli: nothing after '|': type a shell command after it (or quote it, \"|\", to send it)\n"
        case .missingCommand:
            return "rcli: nothing before '|': type a command to send before it\n"
        case .plain, .piped: return nil
        }
    }

    /// The offset of the first word that is exactly an unquoted `|`, scanning words as
    /// `CommandLineSplitter` does; nil when there is none (or the quoting before it is invalid,
    /// which the line's usual reading reports).
    static func firstBareBar(_ bytes: [UInt8]) -> Int? {
        let n = bytes.firstIndex(of: 0) ?? bytes.count
        var p = 0
        while true {
            while p < n, CommandLineSplitter.isSpace(bytes[p]) { p += 1 }
            if p >= n { return nil }
            let start = p
            guard let end = wordEnd(bytes, from: p, limit: n) else { return nil }
            if end == start + 1 && bytes[start] == UInt8(ascii: "|") { return start }
            p = end
        }
    }

    /// Where the word starting at `p` ends (the offset after its last byte), following the
    /// splitter's quoting; nil for unbalanced quotes or a closing quote not followed by a blank.
    private static func wordEnd(_ bytes: [UInt8], from start: Int, limit n: Int) -> Int? {
        var p = start
        var inDouble = false
        var inSingle = false
        while true {
            if inDouble {
                guard p < n else { return nil }
                let c = bytes[p]
                if c == UInt8(ascii: "\\"), p + 3 < n, bytes[p + 1] == UInt8(ascii: "x"),
                    CommandLineSplitter.hexValue(bytes[p + 2]) != nil, CommandLineSplitter.hexValue(bytes[p + 3]) != nil
                {
                    p += 4
                } else if c == UInt8(ascii: "\\"), p + 1 < n {
                    p += 2
                } else if c == UInt8(ascii: "\"") {
                    if p + 1 < n, !CommandLineSplitter.isSpace(bytes[p + 1]) { return nil }
                    return p + 1
                } else {
                    p += 1
                }
            } else if inSingle {
                guard p < n else { return nil }
                let c = bytes[p]
                if c == UInt8(ascii: "\\"), p + 1 < n, bytes[p + 1] == UInt8(ascii: "'") {
                    p += 2
                } else if c == UInt8(ascii: "'") {
                    if p + 1 < n, !CommandLineSplitter.isSpace(bytes[p + 1]) { return nil }
                    return p + 1
                } else {
                    p += 1
                }
            } else {
                guard p < n else { return p }
                switch bytes[p] {
                case UInt8(ascii: " "), 10, 13, 9: return p
                case UInt8(ascii: "\""): inDouble = true
                case UInt8(ascii: "'"): inSingle = true
                default: break
                }
                p += 1
            }
        }
    }
}
