/// An incremental RESP2/RESP3 push parser.
///
/// Feed it bytes as they arrive (`append` or `fill`) and pull `RESPEvent`s with `next()`; it
/// returns nil when it needs more bytes and resumes exactly where it stopped (an explicit frame
/// stack, a remembered CRLF scan position and a pending bulk header), so nothing is re-scanned.
/// Attributes (`|`) are parsed and dropped. Every length read off the wire is checked against
/// `RESPLimits` before it is used, and none is used to reserve memory.
public struct RESPParser: Sendable {
    private enum FrameKind: Sendable {
        case aggregate(RESPAggregateKind)
        case attribute
    }
    private struct Frame: Sendable {
        var kind: FrameKind
        var remaining: Int
    }

    /// The limits in force.
    public let limits: RESPLimits
    private var buffer: [UInt8] = []
    private var pos = 0
    private var scanFrom = 0
    private var frames: [Frame] = []
    private var attributeDepth = 0
    private var pendingBulk: (type: UInt8, length: Int)?
    private var builder = RESPValueBuilder()
    /// The storage of the last bulk or simple string handed out: when its reader has let go of it by the
    /// next one (a formatter printing element by element does), it is reused, so streaming a
    /// million-element reply allocates nothing per element. A reader that keeps the value
    /// (building a whole reply) keeps it intact: the next bulk string gets new storage.
    private var scratch: [UInt8] = []
    /// Where a read lands before what it got is appended to `buffer` (hiredis reads 16 KB the
    /// same way): the buffer then grows by what came, not by zeros for what might come.
    private var landing: [UInt8] = []
    private static let landingSize = 16 * 1024

    /// A parser with the given limits.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// True when no partial reply is buffered or in progress.
    public var isAtReplyBoundary: Bool {
        frames.isEmpty && pendingBulk == nil && pos == buffer.count && builder.isEmpty
    }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { buffer.count - pos }

    /// Appends received bytes.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Lets `read` write up to a suitable number of bytes straight into the buffer; returns what
    /// `read` returned (bytes written, 0 for end of stream, negative for "nothing now").
    public mutating func fill(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        compact()
        var want = 64 * 1024
        if let bulk = pendingBulk {
            let missing = bulk.length + 2 - (buffer.count - pos)
            want = min(max(want, missing), 16 * 1024 * 1024)
        }
        if want <= 64 * 1024 {
            // The usual read: into the landing area, then only what came is copied.
            if landing.count < Self.landingSize { landing = [UInt8](repeating: 0, count: Self.landingSize) }
            let got = try landing.withUnsafeMutableBytes { raw in try read(raw) }
            if got > 0 { buffer.append(contentsOf: landing[0..<min(got, Self.landingSize)]) }
            return got
        }
        // A large bulk string still missing: read it straight into the buffer.
        let old = buffer.count
        // Grow with a memcpy of zeros (appending `repeatElement` goes element by element,
        // which costs milliseconds per read in a debug build).
        var grow = want
        while grow > 0 {
            let n = min(grow, Self.zeros.count)
            buffer.append(contentsOf: Self.zeros[0..<n])
            grow -= n
        }
        let got = try buffer.withUnsafeMutableBytes { raw in
            try read(UnsafeMutableRawBufferPointer(rebasing: raw[old...]))
        }
        buffer.removeLast(want - max(0, min(got, want)))
        return got
    }

    /// Removes and returns up to `max` unconsumed bytes, for a caller that leaves RESP for raw
    /// bytes (the replication stream's RDB payload). Only valid at a reply boundary.
    public mutating func takeRaw(max: Int) -> [UInt8] {
        precondition(frames.isEmpty && pendingBulk == nil, "raw bytes taken inside a reply")
        let n = min(max, buffer.count - pos)
        let out = Array(buffer[pos..<(pos + n)])
        pos += n
        scanFrom = pos
        return out
    }

    /// Puts bytes back in front of what is buffered (the inverse of `takeRaw`).
    public mutating func unread(_ bytes: [UInt8]) {
        precondition(frames.isEmpty && pendingBulk == nil, "bytes put back inside a reply")
        buffer = bytes + buffer[pos...]
        pos = 0
        scanFrom = 0
    }

    private static let zeros = [UInt8](repeating: 0, count: 64 * 1024)

    private mutating func compact() {
        guard pos > 0 else { return }
        if pos == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
        } else if pos >= 64 * 1024 && pos * 2 >= buffer.count {
            buffer.removeFirst(pos)
        } else {
            return
        }
        scanFrom = max(0, scanFrom - pos)
        pos = 0
    }

    /// The next complete top-level value, or nil when more bytes are needed.
    public mutating func nextValue() throws -> RESPValue? {
        while let event = try next() {
            if let value = builder.feed(event) { return value }
        }
        return nil
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws -> RESPEvent? {
        while true {
            if let top = frames.last, top.remaining == 0 {
                frames.removeLast()
                switch top.kind {
                case .attribute:
                    attributeDepth -= 1
                case .aggregate(let kind):
                    consumedElement()
                    if attributeDepth == 0 { return .end(kind) }
                }
                continue
            }
            if let bulk = pendingBulk {
                guard buffer.count - pos >= bulk.length + 2 else { return nil }
                let start = pos
                let end = pos + bulk.length
                guard buffer[end] == 13, buffer[end + 1] == 10 else { throw RESPProtocolError.missingCRLF }
                pendingBulk = nil
                pos = end + 2
                scanFrom = pos
                let value =
                    bulk.type == UInt8(ascii: "$")
                    ? .bulkString(reuse(buffer[start..<end]))
                    : try Self.bulkValue(type: bulk.type, buffer[start..<end])
                if let event = scalar(value) { return event }
                continue
            }
            guard let line = try readLine() else { return nil }
            // An empty line has no type byte (found by fuzzing: it used to trap).
            guard !line.isEmpty else { throw RESPProtocolError.unknownType(13) }
            let type = buffer[line.lowerBound]
            let body = buffer[(line.lowerBound + 1)..<line.upperBound]
            switch type {
            case UInt8(ascii: "+"):
                if let e = scalar(.simpleString(reuse(body))) { return e }
            case UInt8(ascii: "-"):
                if let e = scalar(.error(Array(body))) { return e }
            case UInt8(ascii: ":"):
                if let e = scalar(.integer(try Self.parseInteger(body))) { return e }
            case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                let length = try Self.parseLength(body)
                if length < 0 {
                    if type == UInt8(ascii: "$"), length == -1, let e = scalar(.null) { return e }
                    if type == UInt8(ascii: "$"), length == -1 { continue }
                    throw RESPProtocolError.invalidLength(sanitized(body))
                }
                guard length <= limits.maxBulkLength else {
                    throw RESPProtocolError.bulkTooLarge(length, limit: limits.maxBulkLength)
                }
                pendingBulk = (type, Int(length))
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                let count = try Self.parseLength(body)
                if count < 0 {
                    if type == UInt8(ascii: "*"), count == -1 {
                        if let e = scalar(.null) { return e }
                        continue
                    }
                    throw RESPProtocolError.invalidLength(sanitized(body))
                }
                guard count <= limits.maxAggregateCount else {
                    throw RESPProtocolError.aggregateTooLarge(count, limit: limits.maxAggregateCount)
                }
                guard frames.count < limits.maxDepth else { throw RESPProtocolError.tooDeep(limit: limits.maxDepth) }
                let n = Int(count)
                switch type {
                case UInt8(ascii: "|"):
                    frames.append(Frame(kind: .attribute, remaining: 2 * n))
                    attributeDepth += 1
                case UInt8(ascii: "%"):
                    frames.append(Frame(kind: .aggregate(.map), remaining: 2 * n))
                    if attributeDepth == 0 { return .begin(.map, count: n) }
                default:
                    let kind: RESPAggregateKind =
                        type == UInt8(ascii: "*")
                        ? .array
                        : type == UInt8(ascii: "~") ? .set : .push
                    frames.append(Frame(kind: .aggregate(kind), remaining: n))
                    if attributeDepth == 0 { return .begin(kind, count: n) }
                }
            case UInt8(ascii: "_"):
                guard body.isEmpty else { throw RESPProtocolError.invalidLength(sanitized(body)) }
                if let e = scalar(.null) { return e }
            case UInt8(ascii: ","):
                guard Self.isValidDouble(body) else { throw RESPProtocolError.invalidDouble(sanitized(body)) }
                if let e = scalar(.double(Array(body))) { return e }
            case UInt8(ascii: "#"):
                guard body.count == 1, let b = body.first, b == UInt8(ascii: "t") || b == UInt8(ascii: "f") else {
                    throw RESPProtocolError.invalidBoolean(sanitized(body))
                }
                if let e = scalar(.boolean(b == UInt8(ascii: "t"))) { return e }
            case UInt8(ascii: "("):
                guard Self.isValidBigNumber(body) else { throw RESPProtocolError.invalidBigNumber(sanitized(body)) }
                if let e = scalar(.bigNumber(Array(body))) { return e }
            default:
                throw RESPProtocolError.unknownType(type)
            }
        }
    }

    /// Counts a finished value against its parent; returns the event unless inside an attribute.
    private mutating func scalar(_ value: RESPValue) -> RESPEvent? {
        consumedElement()
        return attributeDepth == 0 ? .scalar(value) : nil
    }

    private mutating func consumedElement() {
        if !frames.isEmpty { frames[frames.count - 1].remaining -= 1 }
    }

    /// `data` in the scratch storage (reused when nobody else holds it), shared with the caller.
    private mutating func reuse(_ data: ArraySlice<UInt8>) -> [UInt8] {
        // A big value's storage is not kept for small ones after it.
        if scratch.capacity > 1 << 16 && data.count <= 1 << 16 { scratch = [] }
        scratch.replaceSubrange(0..<scratch.count, with: data)
        return scratch
    }

    private static func bulkValue(type: UInt8, _ data: ArraySlice<UInt8>) throws -> RESPValue {
        switch type {
        case UInt8(ascii: "!"): return .error(Array(data))
        case UInt8(ascii: "="):
            guard data.count >= 4, data[data.startIndex + 3] == UInt8(ascii: ":") else {
                throw RESPProtocolError.invalidVerbatim
            }
            return .verbatim(format: Array(data.prefix(3)), text: Array(data.dropFirst(4)))
        default: return .bulkString(Array(data))
        }
    }

    /// Finds the next CRLF-terminated line at `pos`; returns its range (without CRLF).
    private mutating func readLine() throws -> Range<Int>? {
        let count = buffer.count
        guard count > pos else { return nil }
        let found: Int? = buffer.withUnsafeBufferPointer { p in
            var i = max(scanFrom, pos)
            while i + 1 < count {
                if p[i] == 13 {
                    if p[i + 1] == 10 { return i }
                }
                i += 1
            }
            return nil
        }
        // The limit holds however the line arrives (found by fuzzing: a long line that came in
        // one read was accepted, the same line in pieces refused); a CR that may start the CRLF
        // does not count.
        guard let cr = found else {
            scanFrom = max(pos, count - 1)
            let partial = count - pos - (buffer[count - 1] == 13 ? 1 : 0)
            if partial > limits.maxLineLength { throw RESPProtocolError.lineTooLong(limit: limits.maxLineLength) }
            return nil
        }
        if cr - pos > limits.maxLineLength { throw RESPProtocolError.lineTooLong(limit: limits.maxLineLength) }
        let line = pos..<cr
        pos = cr + 2
        scanFrom = pos
        return line
    }

    private static func parseLength(_ s: ArraySlice<UInt8>) throws -> Int64 {
        guard let n = Self.parseInt64(s) else { throw RESPProtocolError.invalidLength(sanitized(s)) }
        return n
    }

    private static func parseInteger(_ s: ArraySlice<UInt8>) throws -> Int64 {
        guard let n = Self.parseInt64(s) else { throw RESPProtocolError.invalidInteger(sanitized(s)) }
        return n
    }

    /// Strict decimal Int64: optional '-', at least one digit, no overflow.
    static func parseInt64(_ s: ArraySlice<UInt8>) -> Int64? {
        var i = s.startIndex
        var negative = false
        if i < s.endIndex, s[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < s.endIndex, s.endIndex - i <= 19 else { return nil }
        var value: Int64 = 0
        while i < s.endIndex {
            let d = s[i] &- UInt8(ascii: "0")
            guard d <= 9 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = a
            i += 1
        }
        return value
    }

    static func isValidDouble(_ s: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: s, as: UTF8.self)
        if ["inf", "-inf", "nan", "-nan", "+inf"].contains(text) { return true }
        guard !s.isEmpty, s.count <= 400 else { return false }
        return s.allSatisfy { b in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        } && s.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func isValidBigNumber(_ s: ArraySlice<UInt8>) -> Bool {
        var digits = s[...]
        if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
