import Cluster
import RESP

/// Counts the GET replies of `--lru-test`: nil is a miss, an error goes to stderr, anything
/// else is a hit. A run that ends in a failure (the server lost) is noted for the mode.
final class LRUTestSink: ReplySink {
    private let err: OutputSink
    /// Replies are GETs being counted (false while the SETs run).
    var counting = false
    var hits = 0
    var misses = 0
    /// The last run ended in a failure.
    private(set) var failed = false

    init(err: OutputSink) {
        self.err = err
    }

    func beginRun(now: Double) {
        failed = false
    }

    func replyBegins(for item: Pipeline.Item?) {}

    func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool {
        guard first else { return false }
        switch event {
        case .scalar(let value): return count(value)
        case .begin, .end: return count(.array([]))
        }
    }

    func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool {
        switch entry.outcome {
        case .value(let value, _)?: return count(value)
        case .failed?:
            failed = true
            return true
        default: return false
        }
    }

    private func count(_ value: RESPValue) -> Bool {
        guard counting else { return value.isError }
        switch value {
        case .error(let msg):
            err.write(msg + [10])
            err.flush()
            return true
        case .null: misses += 1
        default: hits += 1
        }
        return false
    }

    func push(_ part: ReplyPart) {}
    func stream(_ part: ReplyPart) {}
    func lost(_ count: Int, node: NodeAddress, reason: String) { failed = true }
    func note(_ error: RcliError) {}
    func inputEnded() {}

    func endRun(_ pipeline: Pipeline, failure: RcliError?) {
        if failure != nil { failed = true }
    }

    func flush() { err.flush() }
}
