import Cluster
import RedisNet

extension ClusterTransport {
    /// The connection to `link`'s node failed: what it had already received is handled first,
    /// then commands never written are routed again, and so are reads already written (and
    /// writes, with `--retry-writes`) unless the node only went silent; the others are reported
    /// (their effect is unknown).
    func failed(_ link: ClusterLink, _ error: NetError, now: Double) {
        while let value = try? link.nextValue() { handle(value, from: link, now: now) }
        tally(link)
        if shutDownAsAsked(link, error) { return }
        let wasStreaming = link.queue.streaming || link.pubsub.isSubscribed
        let written = link.connection?.bytesWritten ?? 0
        let lost = link.abandon()
        pipeRouting.forgetSlots()
        let reason = error.description
        if lost.unsent.isEmpty && lost.unknown.isEmpty && !wasStreaming {
            // An idle connection closed (server timeout, restart): reconnect when next needed.
            return
        }
        pool.router.markDown(link.node, now: now)
        let all = lost.unsent + lost.unknown
        if all.contains(where: { $0.tag?.inTransaction ?? false }) || pool.transaction.pinned == link.node {
            pool.transaction.reset()
        }
        report?("connection to \(link.node) failed: \(reason)")
        if wasStreaming && all.isEmpty {
            events.append(.streamEnded(.streamLost(reason: reason, node: link.node)))
        }
        var unknown: [EntryID] = []
        let timedOut: Bool
        if case .timeout = error { timedOut = true } else { timedOut = false }
        // In the order they were sent: those written (their fate unknown) came first.
        var owed: [(e: ClusterCommand, written: Bool)] = []
        for (request, wasWritten) in lost.unknown.map({ ($0, true) }) + lost.unsent.map({ ($0, false) }) {
            guard let e = request.tag else { continue }
            guard let batch = e.pipeBatch else {
                owed.append((e, wasWritten))
                continue
            }
            for (i, requestWritten) in batch.unanswered(written: written) {
                owed.append((batch.command(at: i, id: e.id, target: e.target, routing: &pipeRouting), requestWritten))
            }
        }
        for (e, written) in owed {
            if isLookup(e) {
                // rcli's own COMMAND INFO: without an answer the command it held goes on.
                e.failure = .unknownOutcome(reason: reason, node: link.node)
                complete(e)
                continue
            }
            // A read is safe to repeat; a write only when --retry-writes accepts at-least-once.
            // Not after a reply timeout: the node is hung, not gone, and would be waited on again.
            let resend = !e.inTransaction && (!written || (!timedOut && (e.route.readOnly || retryWrites)))
            if resend, let target = e.target {
                if written {
                    if e.route.readOnly { stats.resentReads += 1 } else { stats.resentWrites += 1 }
                }
                decide(
                    pool.router.unreachable(target, state: &e.route, now: now, problem: "\(reason) (\(target.node))"),
                    for: e, now: now, why: "\(target.node) failed")
            } else if e.whole != nil {
                e.failure = .unknownOutcome(reason: reason, node: link.node)
                complete(e)
            } else {
                traffic.end(e)
                unknown.append(e.id)
            }
        }
        if !unknown.isEmpty { events.append(.linkLost(node: link.node, reason: reason, entries: unknown)) }
    }
}
