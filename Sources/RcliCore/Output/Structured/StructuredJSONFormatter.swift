import RESP

/// `--json`'s formatter for one reply of a command with a `ReplyShape` (INFO, CLUSTER NODES,
/// ...): the reply is gathered whole (these are small), given its shape, and printed by the
/// format's own JSON formatter; a reply of another kind (an error, text that does not parse) goes
/// to `fallback`, which prints it as redis-cli would (raw text for INFO and the other raw-output
/// commands).
final class StructuredJSONFormatter: ReplyFormatter {
    private let shape: ReplyShape
    private let json: ReplyFormatter
    private let fallback: ReplyFormatter
    private var builder = RESPValueBuilder()

    /// `json`: the format's formatter, which prints the result.
    init(_ shape: ReplyShape, json: ReplyFormatter, fallback: ReplyFormatter) {
        self.shape = shape
        self.json = json
        self.fallback = fallback
    }

    var canFlush: Bool { json.canFlush }

    func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        guard let reply = builder.feed(event) else { return false }
        if let shaped = shape.structure(reply) {
            json.format(shaped, into: &out)
        } else {
            fallback.format(reply, into: &out)
        }
        return true
    }
}
