import RESP

/// One node's `CLUSTER NODES` reply, kept as bytes and read without building a string per line:
/// on a cluster of N nodes the manager reads N views of N lines each, so what it does per line
/// decides how `check` scales. Each reading (the own line, the signature) is one pass that jumps
/// from space to space (`ByteScan`, a word at a time) and reads no more of a line than it needs.
struct NodesView: Equatable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The view a `CLUSTER NODES` reply holds; nil for an error reply (NOPERM, LOADING ...) or
    /// anything that is not a string.
    init?(reply: RESPValue?) {
        guard let reply, !reply.isError, let bytes = reply.stringBytes else { return nil }
        self.bytes = bytes
    }

    /// The request a view answers, in the pipelined form the manager sends.
    static let request = [["CLUSTER", "NODES"].map { Array($0.utf8) }]

    private static let myself = Array("myself".utf8)
    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let comma = UInt8(ascii: ",")
    private static let openBracket = UInt8(ascii: "[")

    /// The node's own line (the one flagged `myself`), nil when there is none.
    var ownLine: Substring? {
        ownLineBytes.map { Substring(decoding: $0, as: UTF8.self) }
    }

    /// The own line's bytes (what `ManagerNode.parse` reads), nil when there is none.
    var ownLineBytes: ArraySlice<UInt8>? {
        let own: Range<Int>? = bytes.withUnsafeBytes { buffer in
            var found: Range<Int>?
            Self.forEachLine(buffer) { line in
                guard let flags = Self.fieldStart(2, of: line, in: buffer) else { return true }
                let end = ByteScan.first(Self.space, in: buffer, from: flags, to: line.upperBound)
                guard Self.hasFlag(buffer[flags..<end], Self.myself) else { return true }
                found = line
                return false
            }
            return found
        }
        return own.map { bytes[$0] }
    }

    /// Every line, as `ManagerNode.parse` takes them.
    var lines: [Substring] {
        lineSlices.map { Substring(decoding: $0, as: UTF8.self) }
    }

    /// Every non-empty line's bytes, without its newline.
    var lineSlices: [ArraySlice<UInt8>] {
        bytes.split(separator: Self.newline)
    }

    /// True when `line` is flagged `myself`.
    static func isOwn(_ line: ArraySlice<UInt8>) -> Bool {
        let flags = line.split(separator: space, maxSplits: 3, omittingEmptySubsequences: false)
        return flags.count > 2 && hasFlag(flags[2], myself)
    }

    /// redis-cli's config signature: `id:slots` of every node that claims slots (the slot fields
    /// as written, open-slot markers left out), sorted, joined by `|`. Views that agree about
    /// who owns which slots have the same signature. One pass: each line is read up to its
    /// ninth field (where slots start), and only lines with slots (masters) are copied, once.
    var signature: String {
        bytes.withUnsafeBytes { buffer in
            // Per slot-owning line: where its id and its slot fields are.
            var owners: [(id: Range<Int>, slots: Range<Int>)] = []
            var length = 0
            Self.forEachLine(buffer) { line in
                guard let slots = Self.fieldStart(8, of: line, in: buffer) else { return true }
                // Open-slot markers (`[5461->-id]`) alone are no slots.
                var start = slots
                var claims = false
                while start < line.upperBound && !claims {
                    claims = buffer[start] != Self.openBracket && buffer[start] != Self.space
                    start = ByteScan.first(Self.space, in: buffer, from: start, to: line.upperBound) + 1
                }
                guard claims else { return true }
                let id = line.lowerBound..<ByteScan.first(Self.space, in: buffer, from: line.lowerBound, to: slots)
                owners.append((id, slots..<line.upperBound))
                length += id.count + line.upperBound - slots + 2
                return true
            }
            owners.sort { buffer[$0.id].lexicographicallyPrecedes(buffer[$1.id]) }
            var out: [UInt8] = []
            out.reserveCapacity(length)
            for (n, owner) in owners.enumerated() {
                if n > 0 { out.append(UInt8(ascii: "|")) }
                out += buffer[owner.id]
                var separator = UInt8(ascii: ":")
                for field in buffer[owner.slots].split(separator: Self.space) where field.first != Self.openBracket {
                    out.append(separator)
                    out += field
                    separator = Self.comma
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Calls `body` with each non-empty line's range (without its newline) until it returns false.
    private static func forEachLine(_ buffer: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Bool) {
        var start = 0
        while start < buffer.count {
            let end = ByteScan.first(newline, in: buffer, from: start, to: buffer.count)
            if end > start { guard body(start..<end) else { return } }
            start = end + 1
        }
    }

    /// Where field `n` (0-based, one space between fields) of `line` starts; nil when the line
    /// has fewer fields (or field `n` is empty at the line's end).
    private static func fieldStart(_ n: Int, of line: Range<Int>, in buffer: UnsafeRawBufferPointer) -> Int? {
        var start = line.lowerBound
        for _ in 0..<n {
            start = ByteScan.first(space, in: buffer, from: start, to: line.upperBound) + 1
            guard start < line.upperBound else { return nil }
        }
        return start
    }

    /// True when the comma-separated `flags` hold `flag` as a whole word.
    static func hasFlag<Flags: Collection<UInt8>>(_ flags: Flags, _ flag: [UInt8]) -> Bool {
        var start = flags.startIndex
        while start < flags.endIndex {
            let end = flags[start...].firstIndex(of: comma) ?? flags.endIndex
            if flags[start..<end].elementsEqual(flag) { return true }
            start = end < flags.endIndex ? flags.index(after: end) : end
        }
        return false
    }
}
