import RESP

/// redis-cli's `--csv` (`cliFormatReplyCSV`): every element of every level joined by `,`,
/// strings quoted with C escapes, `NULL`, `true`/`false`, `ERROR,"..."` for errors.
package final class CSVFormatter: ReplyFormatter {
    private var indices: [Int] = []

    /// A formatter with no reply in progress.
    package init() {}

    package var canFlush: Bool { true }

    package func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        switch event {
        case .begin:
            separate(&out)
            indices.append(0)
            return false
        case .scalar(let value):
            separate(&out)
            switch value {
            case .error(let msg):
                out.append(contentsOf: Array("ERROR,".utf8))
                Escaping.appendRepr(msg, to: &out)
            case .simpleString(let s), .bulkString(let s), .verbatim(_, let s):
                Escaping.appendRepr(s, to: &out)
            case .integer(let n):
                Escaping.appendInteger(n, to: &out)
            case .double(let text), .bigNumber(let text):
                out.append(contentsOf: text)
            case .null:
                out.append(contentsOf: Array("NULL".utf8))
            case .boolean(let b):
                out.append(contentsOf: Array((b ? "true" : "false").utf8))
            case .array, .set, .push, .map:
                break
            }
        case .end:
            indices.removeLast()
        }
        guard indices.isEmpty else { return false }
        out.append(10)
        return true
    }

    private func separate(_ out: inout [UInt8]) {
        guard let i = indices.last else { return }
        if i > 0 { out.append(UInt8(ascii: ",")) }
        indices[indices.count - 1] = i + 1
    }
}
