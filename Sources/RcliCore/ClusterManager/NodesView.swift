import RESP

/// One node's `CLUSTER NODES` reply, kept as bytes and read without building a string per line:
/// on a cluster of N nodes the manager reads N views of N lines each, so what it does per line
/// decides how `check` scales.
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

    /// The node's own line (the one flagged `myself`), nil when there is none.
    var ownLine: Substring? {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: Self.newline) ?? bytes.count
            // The flags are the third field: `id addr flags ...`.
            var field = 0
            var i = start
            while i < end && field < 2 {
                if bytes[i] == Self.space { field += 1 }
                i += 1
            }
            let flagsEnd = bytes[i..<end].firstIndex(of: Self.space) ?? end
            if bytes[i..<flagsEnd].firstRange(of: Self.myself) != nil {
                return Substring(decoding: bytes[start..<end], as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    /// Every line, as `ManagerNode.parse` takes them.
    var lines: [Substring] {
        bytes.split(separator: Self.newline).map { Substring(decoding: $0, as: UTF8.self) }
    }

    /// redis-cli's config signature: `id:slots` of every node that claims slots (the slot fields
    /// as written, open-slot markers left out), sorted, joined by `|`. Views that agree about
    /// who owns which slots have the same signature.
    var signature: String {
        var parts: [[UInt8]] = []
        for line in bytes.split(separator: Self.newline) {
            let fields = line.split(separator: Self.space)
            guard fields.count > 8 else { continue }
            var part = Array(fields[fields.startIndex])
            var slots = 0
            for field in fields.dropFirst(8) where field.first != UInt8(ascii: "[") {
                part.append(slots == 0 ? UInt8(ascii: ":") : UInt8(ascii: ","))
                part += field
                slots += 1
            }
            if slots > 0 { parts.append(part) }
        }
        parts.sort { $0.lexicographicallyPrecedes($1) }
        return String(decoding: Array(parts.joined(separator: [UInt8(ascii: "|")])), as: UTF8.self)
    }

}
