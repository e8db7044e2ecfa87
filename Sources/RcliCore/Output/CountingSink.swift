import Cluster
import RESP

/// `--pipe`'s output, as redis-cli prints it: error replies on stderr as they come, then
/// `errors: N, replies: M` (after one such line per node in a cluster), and what the server
/// acknowledged when it was lost half-way.
final class CountingSink: ReplySink {
    private let out: OutputSink
    private let err: OutputSink
    private var nodes: [NodeAddress] = []
    private var counts: [(errors: Int, replies: Int)] = []
    private var nodeIndex: [NodeAddress: Int] = [:]
    private var lastNode: NodeAddress?
    private var last = 0
    private var inputDone = false

    init(out: OutputSink, err: OutputSink) {
        self.out = out
        self.err = err
    }

    func beginRun(now: Double) {}

    func replyBegins(for item: Pipeline.Item?) {}

    func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool {
        // An error reply is one event, the first of its reply.
        guard first, case .scalar(.error(let msg)) = event else { return false }
        err.write(msg + [10])
        err.flush()
        return true
    }

    func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool {
        switch entry.outcome {
        case .value(let reply, let origin)?:
            if case .error(let msg) = reply {
                err.write(msg + [10])
                err.flush()
            }
            if let node = origin?.node { count(node, error: reply.isError, reply: true) }
            return reply.isError
        case .failed(let why, let origin)?:
            err.write(RcliError.command(why).text + "\n")
            err.flush()
            if let node = origin?.node { count(node, error: true, reply: true) }
            return true
        default:
            return false
        }
    }

    func counted(_ count: Int, node: NodeAddress) {
        self.count(node, error: false, reply: true, times: count)
    }

    private func count(_ node: NodeAddress, error: Bool, reply: Bool, times: Int = 1) {
        // Replies come in runs per node: the last node's slot is reused without hashing.
        if node != lastNode {
            if let i = nodeIndex[node] {
                last = i
            } else {
                nodes.append(node)
                counts.append((0, 0))
                last = nodes.count - 1
                nodeIndex[node] = last
            }
            lastNode = node
        }
        if error { counts[last].errors += times }
        if reply { counts[last].replies += times }
    }

    func push(_ part: ReplyPart) {}

    func stream(_ part: ReplyPart) {}

    func lost(_ count: Int, node: NodeAddress, reason: String) {
        for _ in 0..<count { self.count(node, error: true, reply: false) }
        out.flush()
        err.write("Error: \(reason) (\(node)); \(count) commands sent to it may or may not have run\n")
        err.flush()
    }

    func note(_ error: RcliError) {
        err.write(error.text + "\n")
        err.flush()
    }

    func inputEnded() {
        inputDone = true
        out.write("All data transferred. Waiting for the last reply...\n")
        out.flush()
    }

    func endRun(_ pipeline: Pipeline, failure: RcliError?) {
        switch failure {
        case .input?:
            // stdin could not be read: that alone is reported.
            if let failure { note(failure) }
            return
        case .noReplies?:
            // redis-cli says so before its summary.
            if let failure { note(failure) }
        default:
            break
        }
        var summary = pipeline.stop == nil ? "Last reply received from server.\n" : ""
        let perNode = zip(nodes, counts).sorted { "\($0.0)" < "\($1.0)" }
        for (node, count) in perNode where count.replies + count.errors > 0 {
            summary += "\(node): errors: \(count.errors), replies: \(count.replies)\n"
        }
        out.write(summary + "errors: \(pipeline.errors), replies: \(pipeline.replies)\n")
        out.flush()
        switch failure {
        case .connectionLost(let e, _, _)?:
            // What the server acknowledged before it went away; the rest may or may not have run.
            note(.pipeLost(e, replies: pipeline.replies, errors: pipeline.errors, inputDone: inputDone))
        case .noReplies?, nil:
            break
        case let other?:
            note(other)
        }
    }

    func flush() {
        out.flush()
        err.flush()
    }
}
