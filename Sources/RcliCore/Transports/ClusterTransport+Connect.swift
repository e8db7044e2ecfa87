import Cluster
import RedisNet

/// Links connecting without blocking: a node's connect (resolution, connects, TLS, handshake
/// commands) is driven by the engine's wait loop like any other wait, so the commands of the
/// other nodes keep flowing while one node is slow to answer or does not answer at all. What is
/// sent to a connecting link waits on it (`ClusterLink.send`) and goes once the handshake is
/// answered; when the connect fails, those commands are decided on as a connect that failed
/// when they were dispatched always was.
extension ClusterTransport {
    /// Registers the descriptors of the links that connect; the earliest of their deadlines.
    func watchConnects(_ reactor: Reactor) -> Double? {
        var deadline: Double?
        for link in pool.allLinks {
            guard let connect = link.connecting else {
                link.connectWatch.stop(in: reactor)
                continue
            }
            link.connectWatch.watch(connect.waits, in: reactor)
            if let due = connect.nextDeadline { deadline = min(deadline ?? .infinity, due) }
        }
        return deadline
    }

    /// Takes the connects as far as what the wait found ready (nil: only time passed) allows.
    func advanceConnects(_ ready: ReadySet?, now: Double) {
        for link in pool.allLinks {
            guard let connect = link.connecting else { continue }
            let readiness = ready.map { link.connectWatch.readiness($0) } ?? [:]
            // After a wait, only a connect it found something ready for; otherwise (only time
            // passed) only one whose deadline has come.
            guard ready == nil ? (connect.nextDeadline ?? .infinity) <= now : !readiness.isEmpty else { continue }
            do throws(RcliError) {
                if try connect.advance(readiness, now: now) { link.connected(now: now) }
            } catch {
                connectFailed(link, error, now: now)
            }
        }
    }

    /// `link`'s connect failed with `error`: the commands that waited on it are decided on as
    /// unreachable (transactions end), the link is left unconnected.
    func connectFailed(_ link: ClusterLink, _ error: RcliError, now: Double) {
        let lost = link.abandon()
        pipeRouting.forgetSlots()
        for request in lost.unsent + lost.unknown {
            guard let e = request.tag, let target = e.target else { continue }
            notConnected(e, to: target, error, now: now)
            if case .interrupted = error { return }
        }
    }

    /// `e` cannot go to `target`: connecting there failed with `error`. Ctrl-C (the shell) ends
    /// the run without holding it against the node; inside a transaction the transaction ends;
    /// otherwise the router decides (another try later, or the failure).
    func notConnected(_ e: ClusterCommand, to target: RouteTarget, _ error: RcliError, now: Double) {
        if case .interrupted = error {
            events.append(.fatal(.interrupted))
            return
        }
        if e.inTransaction {
            pool.transaction.reset()
            e.failure = .unreachable(error.text)
            complete(e)
            return
        }
        decide(
            pool.router.unreachable(target, state: &e.route, now: now, problem: error.text), for: e, now: now,
            why: "\(target.node) unreachable")
    }
}
