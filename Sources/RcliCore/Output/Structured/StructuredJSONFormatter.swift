import RESP

/// `--json`'s formatter for one reply of a command with a `ReplyShape` (INFO, CLUSTER NODES,
/// ...): the reply is gathered whole (these are small), given its shape, and printed by the
/// format's own JSON formatter; a reply of another kind (an error) is printed unchanged.
final class StructuredJSONFormatter: ReplyFormatter {
    private let shape: ReplyShape
    private let json: ReplyFormatter
    private var builder = RESPValueBuilder()

    /// `json`: the format's formatter, which prints the result.
    init(_ shape: ReplyShape, json: ReplyFormatter) {
        self.shape = shape
        self.json = json
    }

    var canFlush: Bool { json.canFlush }

    func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        guard let reply = builder.feed(event) else { return false }
        json.format(shape.structure(reply) ?? reply, into: &out)
        return true
    }
}
