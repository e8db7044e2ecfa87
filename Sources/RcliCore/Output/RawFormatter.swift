import RESP

/// redis-cli's raw format (`cliFormatReplyRaw`): payloads as they are, elements separated by
/// the `-d` delimiter (map pairs as `key value`), each reply followed by the `-D` delimiter.
package final class RawFormatter: ReplyFormatter {
    private var frames: [(kind: RESPAggregateKind, index: Int)] = []
    private let elementDelimiter: [UInt8]
    private let replyDelimiter: [UInt8]
    private let terminalSafe: Bool

    /// A formatter with the given delimiters (both default to a newline). `terminalSafe`
    /// escapes control bytes other than line breaks and tabs (for raw text shown on a terminal).
    package init(elementDelimiter: [UInt8] = [10], replyDelimiter: [UInt8] = [10], terminalSafe: Bool = false) {
        self.elementDelimiter = elementDelimiter
        self.replyDelimiter = replyDelimiter
        self.terminalSafe = terminalSafe
    }

    package var canFlush: Bool { true }

    package func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        switch event {
        case .begin(let kind, _):
            separate(&out)
            frames.append((kind, 0))
            return false
        case .scalar(let value):
            separate(&out)
            if terminalSafe, let text = value.stringBytes {
                Escaping.appendTerminalSafe(text, multiline: true, to: &out)
                if value.isError { out.append(10) }
            } else {
                Self.appendScalar(value, to: &out)
            }
        case .end:
            frames.removeLast()
        }
        guard frames.isEmpty else { return false }
        out.append(contentsOf: replyDelimiter)
        return true
    }

    private func separate(_ out: inout [UInt8]) {
        guard let top = frames.last else { return }
        if top.kind == .map && top.index % 2 == 1 {
            out.append(UInt8(ascii: " "))
        } else if top.index > 0 {
            out.append(contentsOf: elementDelimiter)
        }
        frames[frames.count - 1].index += 1
    }

    /// One scalar in raw form.
    package static func appendScalar(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .error(let msg):
            out.append(contentsOf: msg)
            out.append(10)
        case .simpleString(let s), .bulkString(let s), .verbatim(_, let s):
            out.append(contentsOf: s)
        case .integer(let n):
            Escaping.appendInteger(n, to: &out)
        case .double(let text), .bigNumber(let text):
            out.append(contentsOf: text)
        case .null:
            break
        case .boolean(let b):
            out.append(contentsOf: Array((b ? "(true)" : "(false)").utf8))
        case .array, .set, .push, .map:
            RawFormatter(replyDelimiter: []).format(value, into: &out)
        }
    }
}
