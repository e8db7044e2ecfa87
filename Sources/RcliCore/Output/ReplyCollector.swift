import Cluster
import RESP

/// Keeps a run's replies as values, in input order, instead of printing them: for the shell's
/// own queries that go through the engine (so they are routed by key and follow redirects like
/// any command), as `peek` does. A command that got no reply is kept as the failure's text, and
/// failures are not printed: the caller says what it could not learn.
final class ReplyCollector: ReplySink {
    /// One command's result.
    enum Result {
        case value(RESPValue)
        case failed(String)
    }

    /// The results so far, one per command, in input order.
    private(set) var results: [Result] = []
    /// The run ended in a failure (its text).
    private(set) var failure: String?
    private var builder = RESPValueBuilder()
    private var streamed: RESPValue?

    func beginRun(now: Double) {
        results.removeAll()
        failure = nil
        builder = RESPValueBuilder()
        streamed = nil
    }

    func replyBegins(for item: Pipeline.Item?) {}

    func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool {
        if let value = builder.feed(event) { streamed = value }
        if first, case .scalar(.error) = event { return true }
        return false
    }

    func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool {
        guard case .command = entry.item else { return false }
        switch entry.outcome {
        case .value(let value, _)?:
            results.append(.value(value))
            return value.isError
        case .streamed(let isError)?:
            results.append(streamed.map { .value($0) } ?? .failed("the reply was cut off"))
            streamed = nil
            return isError
        case .failed(let why, _)?:
            results.append(.failed(RcliError.command(why).text))
            return true
        case .closed?:
            results.append(.failed("the server closed the connection"))
            return false
        case nil:
            return false
        }
    }

    func push(_ part: ReplyPart) {}
    func stream(_ part: ReplyPart) {}
    func lost(_ count: Int, node: NodeAddress, reason: String) {}
    func note(_ error: RcliError) { failure = error.text }
    func inputEnded() {}

    func endRun(_ pipeline: Pipeline, failure: RcliError?) {
        if let failure { self.failure = failure.text }
    }

    func flush() {}
}
