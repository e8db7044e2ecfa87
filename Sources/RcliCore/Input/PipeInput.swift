import RESP

/// `--pipe`'s stdin, checked as it arrives: commands in the protocol's request form (arrays of
/// bulk strings) or inline (a line of words, as the server also accepts them); CR/LF between
/// commands is allowed. A violation is reported with its byte offset, and nothing from the bad
/// command on is sent (the server would close the connection on it).
struct PipeInput {
    /// A command's arguments and where it starts in the input. Its arguments are found in its
    /// bytes when asked for (routing asks for one or two), so reading a command allocates nothing.
    struct Command {
        /// Where it starts in the input.
        let offset: Int
        /// Its bytes as they came (checked: `*N` then N bulk strings, or an inline line).
        let raw: ArraySlice<UInt8>
        /// How many arguments it has.
        let count: Int
        /// An inline command's words (which `raw` holds unsplit).
        let inlineArgs: [[UInt8]]?

        /// Argument `i` (empty if the bytes do not hold it).
        func arg(_ i: Int) -> ArraySlice<UInt8> {
            nameAndArg(i).arg
        }

        /// The command's name and argument `i` (empty when there is none), found in one walk
        /// over its bytes.
        func nameAndArg(_ i: Int) -> (name: ArraySlice<UInt8>, arg: ArraySlice<UInt8>) {
            if let inlineArgs {
                return (inlineArgs.first?[...] ?? [], i < inlineArgs.count ? inlineArgs[i][...] : [])
            }
            var name: ArraySlice<UInt8> = []
            guard var p = raw.firstIndex(of: 10).map({ $0 + 1 }) else { return ([], []) }
            var k = 0
            while p < raw.endIndex, raw[p] == UInt8(ascii: "$") {
                var length = 0
                p += 1
                while p < raw.endIndex, raw[p] >= 48 && raw[p] <= 57 {
                    length = length * 10 + Int(raw[p] - 48)
                    p += 1
                }
                let start = p + 2
                let end = start + length
                guard end <= raw.endIndex else { return (name, []) }
                if k == 0 { name = raw[start..<end] }
                if k == i { return (name, raw[start..<end]) }
                k += 1
                p = end + 2
            }
            return (name, [])
        }

        /// Every argument, copied.
        var args: [[UInt8]] { inlineArgs ?? (0..<count).map { Array(arg($0)) } }

        /// A command from bytes `takeComplete` already checked (CR/LF before it skipped); nil
        /// when they hold none.
        init?(checked bytes: ArraySlice<UInt8>, offset: Int = 0) {
            var start = bytes.startIndex
            while start < bytes.endIndex && (bytes[start] == 13 || bytes[start] == 10) { start += 1 }
            guard start < bytes.endIndex else { return nil }
            let raw = bytes[start...]
            if raw.first == UInt8(ascii: "*") {
                var n = 0
                var i = start + 1
                while i < raw.endIndex, raw[i] >= 48 && raw[i] <= 57 {
                    n = n * 10 + Int(raw[i] - 48)
                    i += 1
                }
                self.init(offset: offset, raw: raw, count: n, inlineArgs: nil)
            } else {
                var end = raw.endIndex
                while end > start && (raw[end - 1] == 10 || raw[end - 1] == 13) { end -= 1 }
                guard let words = CommandLineSplitter.split(Array(raw[start..<end])), !words.isEmpty else { return nil }
                self.init(offset: offset, raw: raw, count: words.count, inlineArgs: words)
            }
        }

        fileprivate init(offset: Int, raw: ArraySlice<UInt8>, count: Int, inlineArgs: [[UInt8]]?) {
            self.offset = offset
            self.raw = raw
            self.count = count
            self.inlineArgs = inlineArgs
        }
    }

    private var buffer: [UInt8] = []
    private var pos = 0
    /// Input offset of `buffer[0]`.
    private var base = 0
    /// Commands complete so far.
    private(set) var commands = 0

    /// Appends bytes read from stdin.
    mutating func feed(_ bytes: [UInt8]) {
        if pos >= 64 * 1024 && pos * 2 >= buffer.count {
            buffer.removeFirst(pos)
            base += pos
            pos = 0
        }
        buffer += bytes
    }

    /// The raw bytes of every complete command buffered (checked, not decoded), where each
    /// command ends in them, and the failure that stopped the check, if any (the bytes before
    /// it are still good to send).
    mutating func takeComplete() -> (bytes: ArraySlice<UInt8>, ends: [Int], failure: RcliError?) {
        let start = pos
        var ends: [Int] = []
        do throws(RcliError) {
            while try parse() != nil { ends.append(pos - start) }
            return (buffer[start..<pos], ends, nil)
        } catch {
            return (buffer[start..<pos], ends, error)
        }
    }

    /// The next complete command, nil when more input is needed.
    mutating func next() throws(RcliError) -> Command? {
        try parse()
    }

    /// At end of input: fails when a command was cut short.
    func finish() throws(RcliError) {
        if buffer[pos...].contains(where: { $0 != 13 && $0 != 10 }) {
            throw failure(at: pos, "the input ends in the middle of a command")
        }
    }

    private func failure(at index: Int, _ what: String) -> RcliError {
        RcliError.mode(
            "Error: --pipe input is not Redis protocol at byte \(base + index) (after \(commands) commands): \(what)")
    }

    /// Parses one command at `pos`; advances past it only when it is complete.
    private mutating func parse() throws(RcliError) -> Command? {
        var i = pos
        while i < buffer.count && (buffer[i] == 13 || buffer[i] == 10) { i += 1 }
        pos = i
        guard i < buffer.count else { return nil }
        let start = i
        guard buffer[i] == UInt8(ascii: "*") else { return try inline(at: i) }
        guard let (count, afterCount) = try header(at: i + 1, limit: 1 << 20) else { return nil }
        guard count > 0 else { throw failure(at: start, "a command needs at least one argument") }
        i = afterCount
        for _ in 0..<count {
            guard i < buffer.count else { return nil }
            guard buffer[i] == UInt8(ascii: "$") else {
                throw failure(at: i, "expected '$' (a bulk string argument), found \(Self.show(buffer[i]))")
            }
            guard let (length, afterLength) = try header(at: i + 1, limit: 512 * 1024 * 1024) else { return nil }
            let end = afterLength + length
            guard end + 2 <= buffer.count else { return nil }
            guard buffer[end] == 13 && buffer[end + 1] == 10 else {
                throw failure(at: end, "a bulk string is not followed by CRLF (its length is wrong)")
            }
            i = end + 2
        }
        pos = i
        commands += 1
        return Command(offset: base + start, raw: buffer[start..<i], count: count, inlineArgs: nil)
    }

    /// An inline command: one line, split into words as the server (and `rcli < file`) does.
    private mutating func inline(at start: Int) throws(RcliError) -> Command? {
        let limit = 64 * 1024
        guard let newline = buffer[start...].prefix(limit + 1).firstIndex(of: 10) else {
            if buffer.count - start > limit { throw failure(at: start, "an inline command is longer than 64 KB") }
            return nil
        }
        var end = newline
        if end > start && buffer[end - 1] == 13 { end -= 1 }
        guard let words = CommandLineSplitter.split(Array(buffer[start..<end])) else {
            throw failure(at: start, "unbalanced quotes in an inline command")
        }
        pos = newline + 1
        guard !words.isEmpty else { return try parse() }
        commands += 1
        return Command(offset: base + start, raw: buffer[start..<newline + 1], count: words.count, inlineArgs: words)
    }

    /// A decimal number ending in CRLF at `i`: the number and the index after CRLF, nil when
    /// the line is not complete yet.
    private func header(at index: Int, limit: Int) throws(RcliError) -> (Int, Int)? {
        var i = index
        var n = 0
        var digits = 0
        while i < buffer.count, buffer[i] >= 48 && buffer[i] <= 57 {
            n = n * 10 + Int(buffer[i] - 48)
            digits += 1
            if n > limit { throw failure(at: index, "the length \(n)... is over the limit of \(limit)") }
            i += 1
        }
        guard i + 1 < buffer.count else {
            if i < buffer.count && buffer[i] != 13 {
                throw failure(at: i, "expected a length, found \(Self.show(buffer[i]))")
            }
            return nil
        }
        guard digits > 0, buffer[i] == 13, buffer[i + 1] == 10 else {
            throw failure(at: i, "expected a length and CRLF, found \(Self.show(buffer[i]))")
        }
        return (n, i + 2)
    }

    private static func show(_ b: UInt8) -> String {
        var out: [UInt8] = []
        Escaping.appendRepr([b], to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
