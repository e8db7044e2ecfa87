import RESP

/// Turns the events of one reply into output bytes, element by element, so a huge reply is
/// printed as it arrives. One instance formats any number of replies, one after another.
package protocol ReplyFormatter: AnyObject {
    /// Formats one event into `out`; returns true when the event completed the top-level reply
    /// (the per-reply terminator has then been appended).
    func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool
    /// False while bytes already in `out` may still be rewritten (the caller must not flush).
    var canFlush: Bool { get }
}

extension ReplyFormatter {
    /// Formats a whole value by replaying it as events.
    package func format(_ value: RESPValue, into out: inout [UInt8]) {
        value.forEachEvent { _ = feed($0, into: &out) }
    }
}

/// Builds the formatter for a format and delimiters.
package enum Formatters {
    /// A formatter for `format`. `rawDelimiters` are `-d` (between elements) and `-D` (after
    /// each reply) for raw output.
    package static func make(
        _ format: OutputFormat, elementDelimiter: [UInt8] = [10],
        replyDelimiter: [UInt8] = [10]
    ) -> ReplyFormatter {
        switch format {
        case .tty: return TTYFormatter()
        case .raw: return RawFormatter(elementDelimiter: elementDelimiter, replyDelimiter: replyDelimiter)
        case .csv: return CSVFormatter()
        case .json: return JSONFormatter(quoted: false)
        case .quotedJSON: return JSONFormatter(quoted: true)
        }
    }
}
