import RESP

/// redis-cli's `--json` / `--quoted-json` (`cliFormatReplyJson`): arrays, sets and pushes as
/// JSON arrays, maps as objects whose non-string keys are turned into strings, `null`,
/// `true`/`false`, `error:"..."` for errors.
package final class JSONFormatter: ReplyFormatter {
    private var frames: [(kind: RESPAggregateKind, index: Int)] = []
    /// Aggregate map keys being written: where each started, so it can be wrapped in quotes.
    private var keyCaptures: [(depth: Int, start: Int)] = []
    private let quoted: Bool

    /// `quoted`: ASCII-only strings (`--quoted-json`).
    package init(quoted: Bool) {
        self.quoted = quoted
    }

    package var canFlush: Bool { keyCaptures.isEmpty }

    package func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        switch event {
        case .begin(let kind, _):
            if separate(&out) { keyCaptures.append((frames.count, out.count)) }
            out.append(kind == .map ? UInt8(ascii: "{") : UInt8(ascii: "["))
            frames.append((kind, 0))
            return false
        case .scalar(let value):
            if separate(&out) { appendKey(value, to: &out) } else { appendScalar(value, to: &out) }
        case .end:
            guard let frame = frames.popLast() else { return false }
            out.append(frame.kind == .map ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            if let capture = keyCaptures.last, capture.depth == frames.count {
                keyCaptures.removeLast()
                out.insert(UInt8(ascii: "\""), at: capture.start)
                out.append(UInt8(ascii: "\""))
            }
        }
        guard frames.isEmpty else { return false }
        out.append(10)
        return true
    }

    /// Writes the separator before the next element; returns true when it is a map key.
    private func separate(_ out: inout [UInt8]) -> Bool {
        guard let top = frames.last else { return false }
        frames[frames.count - 1].index += 1
        if top.kind == .map {
            if top.index % 2 == 1 {
                out.append(UInt8(ascii: ":"))
                return false
            }
            if top.index > 0 { out.append(UInt8(ascii: ",")) }
            return true
        }
        if top.index > 0 { out.append(UInt8(ascii: ",")) }
        return false
    }

    private func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        if quoted {
            Escaping.appendQuotedJSONString(bytes, to: &out)
        } else {
            Escaping.appendJSONString(bytes, to: &out)
        }
    }

    private func appendKey(_ value: RESPValue, to out: inout [UInt8]) {
        if let s = value.stringBytes {
            appendString(s, to: &out)
            return
        }
        var tmp: [UInt8] = []
        appendScalar(value, to: &tmp)
        if tmp.first == UInt8(ascii: "\"") {
            out.append(contentsOf: tmp)
        } else {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: tmp)
            out.append(UInt8(ascii: "\""))
        }
    }

    private func appendScalar(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .error(let msg):
            out.append(contentsOf: Array("error:".utf8))
            appendString(msg, to: &out)
        case .simpleString(let s), .bulkString(let s), .verbatim(_, let s):
            appendString(s, to: &out)
        case .integer(let n):
            Escaping.appendInteger(n, to: &out)
        case .double(let text), .bigNumber(let text):
            out.append(contentsOf: text)
        case .null:
            out.append(contentsOf: Array("null".utf8))
        case .boolean(let b):
            out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .array, .set, .push, .map:
            JSONFormatter(quoted: quoted).format(value, into: &out)
            if out.last == 10 { out.removeLast() }
        }
    }
}
