import RESP

/// What a master sends after SYNC, read without I/O (ReplicationSync does the reading): the
/// newlines it sends while it prepares the payload, the payload header (`$<length>` for a
/// disk-based sync, `$EOF:<40 bytes>` for a diskless one) and the payload, handed out as it
/// arrives. It buffers at most a header line (1024 bytes) or, for an EOF mark, 39 bytes held back
/// so a mark split across reads is still found.
package struct ReplicationStream {
    /// How the server delimits the RDB payload.
    package enum Payload: Sendable, Equatable {
        /// `$<length>`: exactly this many bytes.
        case length(Int)
        /// `$EOF:<40 bytes>`: the payload ends with these 40 bytes.
        case eofMark([UInt8])
    }

    /// One step of the stream.
    package enum Event: Sendable, Equatable {
        /// The payload header (the first event).
        case header(Payload)
        /// Payload bytes, in order.
        case payload([UInt8])
        /// The payload is complete; bytes after it (the command stream) are not consumed.
        case end
    }

    /// A header that is not a payload header.
    package enum Failure: Error, Sendable, Equatable {
        /// `-ERR ...`: the master refused.
        case refused([UInt8])
        /// A line that is not `$...`.
        case unexpected([UInt8])
        /// `$EOF:` followed by something other than 40 bytes.
        case badEOFMark([UInt8])
        /// `$` followed by something other than a length.
        case badLength([UInt8])
        /// No newline within 1024 bytes.
        case headerTooLong
    }

    private enum Phase {
        case header([UInt8])
        case length(left: Int)
        case eofMark([UInt8], held: [UInt8])
        case done
    }

    private var phase: Phase

    /// The longest header line accepted.
    package static let maxHeaderLength = 1024

    /// A stream that starts with the header.
    package init() { phase = .header([]) }

    /// A stream whose header has been read already.
    package init(payload: Payload) {
        switch payload {
        case .length(let n): phase = n == 0 ? .done : .length(left: n)
        case .eofMark(let mark): phase = .eofMark(mark, held: [])
        }
    }

    /// Bytes held back (a partial header line, the tail that may start an EOF mark).
    package var bufferedByteCount: Int {
        switch phase {
        case .header(let line): return line.count
        case .eofMark(_, let held): return held.count
        case .length, .done: return 0
        }
    }

    /// True once the payload is complete.
    package var isFinished: Bool {
        if case .done = phase { return true }
        return false
    }

    /// Consumes `bytes` up to the end of the current part: returns the events and what was not
    /// consumed (after the header line: the payload, to feed again; after the end: the stream
    /// that follows the payload).
    package mutating func feed(_ bytes: ArraySlice<UInt8>) throws(Failure) -> (events: [Event], rest: ArraySlice<UInt8>)
    {
        switch phase {
        case .header(var line):
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let b = bytes[i]
                i += 1
                if b == 10 {
                    if line.isEmpty || line == [13] {
                        line = []
                        continue
                    }
                    if line.last == 13 { line.removeLast() }
                    let payload = try Self.header(line)
                    self = ReplicationStream(payload: payload)
                    return ([.header(payload)] + (isFinished ? [.end] : []), bytes[i...])
                }
                line.append(b)
                if line.count > Self.maxHeaderLength { throw .headerTooLong }
            }
            phase = .header(line)
            return ([], bytes[bytes.endIndex...])
        case .length(let left):
            let n = min(left, bytes.count)
            let body = Array(bytes.prefix(n))
            phase = n == left ? .done : .length(left: left - n)
            return ((body.isEmpty ? [] : [.payload(body)]) + (isFinished ? [.end] : []), bytes.dropFirst(n))
        case .eofMark(let mark, let held):
            let pending = held + bytes
            if let at = Self.find(mark, in: pending) {
                phase = .done
                let body = Array(pending[..<at])
                return ((body.isEmpty ? [] : [.payload(body)]) + [.end], pending[(at + mark.count)...])
            }
            let keep = min(pending.count, mark.count - 1)
            let ready = Array(pending[..<(pending.count - keep)])
            phase = .eofMark(mark, held: Array(pending[(pending.count - keep)...]))
            return (ready.isEmpty ? [] : [.payload(ready)], bytes[bytes.endIndex...])
        case .done:
            return ([], bytes)
        }
    }

    private static func header(_ line: [UInt8]) throws(Failure) -> Payload {
        if line.first == UInt8(ascii: "-") { throw .refused(line) }
        guard line.first == UInt8(ascii: "$") else { throw .unexpected(line) }
        let body = line.dropFirst()
        if body.starts(with: Array("EOF:".utf8)) {
            let mark = Array(body.dropFirst(4))
            guard mark.count == 40 else { throw .badEOFMark(line) }
            return .eofMark(mark)
        }
        guard body.count <= 19, let n = Int(String(decoding: body, as: UTF8.self)), n >= 0 else {
            throw .badLength(line)
        }
        return .length(n)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
