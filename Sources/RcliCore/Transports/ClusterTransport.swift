import Cluster
import RESP
import RedisNet

/// A Redis Cluster: each command goes straight to the node that owns its slot, many in flight
/// per node. MOVED/ASK are followed (and the map updated), retries back off, failed nodes make
/// the topology reload, commands split across slots are merged, MULTI/WATCH are pinned to one
/// node, and with `--replica-reads` reads go to replicas without overtaking writes of their slot.
/// A command whose connection died after it was written is reported, never resent.
package final class ClusterTransport: ShellTransport {
    /// The connections and routing state (kept across the shell's lines).
    let pool: ClusterPool
    /// Seconds a node may owe a non-blocking reply before it is given up as hung.
    private let replyTimeout: Double
    let report: ((String) -> Void)?
    /// Prints the end-of-run summary on stderr.
    private let summary: ((String) -> Void)?
    /// `--retry-writes`: writes whose connection was lost are sent again too.
    let retryWrites: Bool
    var events = FIFO<TransportEvent>()
    private var parked: [ClusterCommand] = []
    var traffic = SlotTraffic()
    /// A command held back by `traffic`: nothing later is read until it goes.
    private var held: ClusterCommand?
    /// A SELECT in flight: nothing after it is read until it is answered (`beginSelect`).
    var selecting: ClusterCommand?
    /// A command held while the server is asked where its keys are (`CommandKeyBook`).
    var lookup: (name: String, probe: ClusterCommand, command: Outbound)?
    var stats = ClusterRunStats()
    /// Reroutes reported but not yet taken by the engine: no input is read meanwhile, so a
    /// later command for the same slot cannot overtake the one being redirected or retried.
    var reroutesPending = 0
    private var watched: [NodeAddress: ConnectionWatch] = [:]
    /// `--pipe`: slot → its master's link while the map stays as it was, and the key lookup of
    /// the last command name (a pipe file repeats one command).
    var pipeRouting = PipeRouting()

    /// A transport over an opened pool; `report` prints `--verbose` lines, `summary` the
    /// end-of-run summary.
    init(
        pool: ClusterPool, replyTimeout: Double, retryWrites: Bool = false, report: ((String) -> Void)?,
        summary: ((String) -> Void)? = nil
    ) {
        self.pool = pool
        self.replyTimeout = replyTimeout
        self.retryWrites = retryWrites
        self.report = report
        self.summary = summary
    }

    // MARK: sending

    package func open() -> RcliError? { reopenAfterShutdown() }

    package func submit(_ id: EntryID, _ command: Outbound, now: Double) {
        if refusedAfterShutdown(id) { return }
        if let raw = command.raw {
            submitRaw(id, raw, ends: command.ends, now: now)
            return
        }
        if lookUpKeys(id, command, now: now) { return }
        begin(id, command, now: now)
    }

    func begin(_ id: EntryID, _ command: Outbound, now: Double) {
        let e = ClusterCommand.command(
            id, command.args, traits: command.traits, keyBook: pool.keyBook,
            trackingSlots: pool.router.policy.replicaReads)
        guard traffic.admits(e) else {
            held = e
            return
        }
        start(e, now: now)
    }

    private func start(_ e: ClusterCommand, now: Double) {
        traffic.begin(e)
        let name = CommandTraits.lower(e.args[0])
        let owner = e.route.slot.flatMap { pool.router.map.master(for: $0) }
        let slots = pool.transaction.inMulti ? ClusterCommand.slots(of: e.args, keyBook: pool.keyBook) : []
        switch pool.transaction.step(
            name: name, argc: e.args.count, slots: slots, owner: owner, current: pool.router.current)
        {
        case .route:
            break
        case .holdMulti:
            e.reply = .simpleString(Array("OK".utf8))
            complete(e)
            return
        case .send(let node, let multiFirst):
            e.inTransaction = true
            e.pinnedTo = node
            // Outside MULTI (WATCH, UNWATCH, a MULTI of its own) a command selects its database;
            // inside, a SELECT would be queued in the transaction.
            if ["watch", "unwatch", "multi"].contains(name) { e.database = pool.template.database }
            if multiFirst {
                guard let link = connectPinned(node, for: e, now: now) else { return }
                ensureDatabase(pool.template.database, on: link, now: now)
                link.send([Array("MULTI".utf8)], for: nil, now: now)
            }
            dispatch(e, now: now)
            return
        case .refuse(let text):
            e.reply = .error(Array(text.utf8))
            complete(e)
            return
        }
        if let node = pubsubNode(for: name, args: e.args.count) { e.pinnedTo = node }
        e.database = pool.template.database
        if e.traits?.selectsDatabase != nil { beginSelect(e) }
        if let plan = splitPlan(e, name: name) {
            e.fanOut = plan
            e.partsLeft = plan.parts.count
            for part in plan.parts {
                let p = ClusterCommand(
                    id: e.id, args: part.args, traits: e.traits,
                    route: RouteState(slot: part.slot, readOnly: e.route.readOnly))
                p.whole = e
                p.database = e.database
                e.parts.append(p)
            }
            for p in e.parts { dispatch(p, now: now) }
            return
        }
        dispatch(e, now: now)
    }

    private func connectPinned(_ node: NodeAddress, for e: ClusterCommand, now: Double) -> ClusterLink? {
        do throws(RcliError) {
            return try pool.link(for: RouteTarget(node: node, replica: false, asking: false), wait: false, now: now)
        } catch {
            pool.transaction.reset()
            e.failure = .unreachable(error.text)
            complete(e)
            return nil
        }
    }

    func dispatch(_ e: ClusterCommand, now: Double) {
        let target =
            e.pinnedTo.map { RouteTarget(node: $0, replica: false, asking: false) }
            ?? pool.router.route(e.route, now: now)
        if e.pinnedTo == nil {
            switch pool.router.admit(target, now: now) {
            case .go:
                if !target.asking, let until = pool.router.downUntil(target.node), until > now {
                    park(e, until: until)
                    return
                }
            case .probe:
                report?("probing \(target.node), given up on, with this command")
            case .fail(let why):
                stats.failedAtOnce += 1
                e.failure = .routing(why)
                complete(e)
                return
            }
        }
        let link: ClusterLink
        do throws(RcliError) {
            link = try pool.link(for: target, wait: false, now: now)
        } catch {
            notConnected(e, to: target, error, now: now)
            return
        }
        send(e, to: target, on: link, now: now)
    }

    func send(_ e: ClusterCommand, to target: RouteTarget, on link: ClusterLink, now: Double) {
        e.target = target
        // SELECT before ASKING: ASKING holds for the one command after it.
        ensureDatabase(e.database, on: link, now: now)
        if target.asking { link.send([Array("ASKING".utf8)], for: nil, now: now) }
        link.send(e.args, raw: e.raw, for: e, now: now)
        if e.traits?.selectsDatabase != nil {
            // Inside MULTI it runs at EXEC: the link's database is unknown from then on.
            link.selectedDatabase = e.inTransaction ? nil : e.traits?.selectsDatabase
        }
        if e.traits?.streaming == true { link.queue.streaming = true }
    }

    private func park(_ e: ClusterCommand, until: Double) {
        e.notBefore = until
        parked.append(e)
    }

    /// Applies the router's decision for `e` (`why` names the cause in `--verbose` reports).
    func decide(_ decision: RouteDecision, for e: ClusterCommand, now: Double, why: String) {
        switch decision {
        case .deliver:
            complete(e)
        case .resend(let reason):
            stats.redirects += 1
            reroutesPending += 1
            events.append(.rerouted(e.id, reason))
            pipeRouting.forgetSlots()
            let slot = e.route.routingSlot.map(String.init) ?? "?"
            if let t = e.route.askTarget {
                report?("ASK: slot \(slot) → \(t)")
            } else {
                report?("\(why): slot \(slot) → \(pool.router.route(e.route, now: now).node)")
            }
            dispatch(e, now: now)
        case .wait(let until, _):
            stats.retries += 1
            reroutesPending += 1
            events.append(.rerouted(e.id, .replicaFallback(problem: why)))
            report?("\(why); retrying in \(Int(((until - now) * 1000).rounded())) ms")
            park(e, until: until)
        case .fail(let why):
            if case .shardDown = why { stats.failedAtOnce += 1 }
            e.failure = .routing(why)
            complete(e)
        }
    }

    /// `e` has its reply or failure: a part completes its whole when it is the last; a command
    /// is reported.
    func complete(_ e: ClusterCommand) {
        if isLookup(e) {
            learnt(e, now: monotonicSeconds())
            return
        }
        if let whole = e.whole {
            whole.partsLeft -= 1
            if whole.partsLeft == 0, let plan = whole.fanOut {
                if let failure = whole.parts.first(where: { $0.failure != nil })?.failure {
                    whole.failure = failure
                } else {
                    whole.reply = plan.combine(whole.parts.map { $0.reply ?? .null })
                }
                complete(whole)
                for part in whole.parts { part.whole = nil }
            }
            return
        }
        traffic.end(e)
        if selecting === e { endSelect(e) }
        if let reply = e.reply {
            events.append(.reply(e.id, reply, origin: e.origin))
        } else if let failure = e.failure {
            // The node is named only if a connection to it was made (as the counts per node of
            // `--pipe -c` always were).
            let node = e.target.flatMap { pool.existingLink($0.node)?.connection != nil ? $0.node : nil }
            events.append(.failed(e.id, failure, node: node))
        }
    }

    // MARK: the loop's calls

    package func service(now: Double) {
        if let e = held, traffic.admits(e) {
            held = nil
            start(e, now: now)
        }
        if !parked.isEmpty {
            let due = parked.filter { $0.notBefore <= now }
            if !due.isEmpty {
                parked.removeAll { $0.notBefore <= now }
                for e in due { dispatch(e, now: now) }
            }
        }
        advanceConnects(nil, now: now)
        if pool.router.reloadWanted {
            // Only a new map moves slots: while a reload waits, --pipe -c keeps its fast path.
            if pool.reloadIfWanted(now: now) { pipeRouting.forgetSlots() }
        }
        for link in pool.allLinks {
            guard let conn = link.connection, conn.hasPendingOutput else { continue }
            do throws(NetError) {
                try conn.flush(wait: false)
            } catch {
                failed(link, error, now: now)
            }
        }
        // A node that owes replies and says nothing (hung, or cut off without a reset).
        for link in pool.allLinks {
            guard let due = link.queue.deadline(replyTimeout: replyTimeout), due <= now,
                let conn = link.connection, !conn.hasBufferedInput, conn.parser.bufferedByteCount == 0
            else { continue }
            if (try? conn.receive()) == true { continue }
            failed(link, .timeout("no reply in \(System.cFormat("%.2f", replyTimeout))s"), now: now)
        }
    }

    package func nextEvent(now: Double) -> TransportEvent? {
        if let event = popEvent() { return event }
        // Batched replies counted on a link whose connection was dropped since (it closed while
        // idle): still told, or --pipe -c would wait for them for ever.
        for link in pool.allLinks where link.tally > 0 && link.connection == nil { tally(link) }
        for link in pool.allLinks where link.connection != nil {
            do throws(NetError) {
                while let value = try link.nextValue() {
                    handle(value, from: link, now: now)
                    if let event = popEvent() { return event }
                }
                tally(link)
            } catch {
                failed(link, error, now: now)
            }
            if let event = popEvent() { return event }
        }
        return popEvent()
    }

    func handle(_ value: RESPValue, from link: ClusterLink, now: Double) {
        if link.pubsub.readsWholeValues(link.queue),
            let event = link.pubsub.take(value, resp3: link.session.usesRESP3, head: link.queue.head)
        {
            events.append(event)
            return
        }
        if case .push = value {
            let next = link.queue.head
            if !(next?.pushIsReply ?? false) {
                events.append(link.queue.streaming && next == nil ? .stream(.value(value)) : .push(.value(value)))
                return
            }
        }
        guard let answered = link.queue.answered(now: now) else {
            if link.queue.streaming {
                events.append(.stream(.value(value)))
            } else {
                failed(link, .protocolViolation(.unexpectedReply), now: now)
            }
            return
        }
        guard let e = answered.tag else { return }
        if let batch = e.pipeBatch {
            batchReply(value, e, batch, from: link, now: now)
            return
        }
        if case .error(let message) = value, followsRedirect(message, for: e, now: now) { return }
        if value.isError, e.traits?.streaming == true, link.queue.isEmpty {
            // SUBSCRIBE/MONITOR refused: no messages will follow on this link.
            link.queue.streaming = false
        }
        e.reply = value
        e.servedBy = e.target
        if let node = e.target?.node {
            if e.whole == nil { pool.router.served(by: node) } else { pool.router.answered(by: node) }
        }
        complete(e)
    }

    /// An error reply for `e`: true when the router sends it again (MOVED, ASK, TRYAGAIN ...),
    /// false when the error is its reply.
    func followsRedirect(_ message: [UInt8], for e: ClusterCommand, now: Double) -> Bool {
        guard !e.inTransaction, let target = e.target else { return false }
        let decision = pool.router.errorReply(message, from: target, state: &e.route, now: now)
        guard decision != .deliver else { return false }
        switch decision {
        case .resend(.moved(let slot, let node)), .resend(.ask(let slot, let node)):
            e.redirected = ReplyOrigin.Place(slot: slot, node: node)
        default:
            break
        }
        let why = String(decoding: message.prefix(80), as: UTF8.self)
        decide(decision, for: e, now: now, why: why.hasPrefix("MOVED") ? "MOVED" : why)
        return true
    }

    package func prepareWait(_ reactor: Reactor, now: Double) -> Double? {
        var live = Set<NodeAddress>()
        for link in pool.allLinks {
            guard let conn = link.connection else { continue }
            live.insert(link.node)
            watched[link.node, default: ConnectionWatch()].watch(conn, in: reactor)
        }
        for node in watched.keys where !live.contains(node) {
            watched[node]?.stop(in: reactor)
            watched[node] = nil
        }
        let connects = watchConnects(reactor)
        // A held command that may go now is work for the next pass: no waiting.
        if let e = held, traffic.admits(e) { return now }
        var deadline = [parked.map(\.notBefore).min(), connects].compactMap { $0 }.min()
        if let due = pool.watchReload(reactor) {
            deadline = min(deadline ?? .infinity, due)
        } else if pool.router.reloadWanted {
            deadline = min(deadline ?? .infinity, now + 0.1)
        }
        for link in pool.allLinks {
            if let due = link.queue.deadline(replyTimeout: replyTimeout) { deadline = min(deadline ?? .infinity, due) }
        }
        return deadline
    }

    package func handle(_ ready: ReadySet, now: Double) {
        advanceConnects(ready, now: now)
        if pool.isReloading && pool.reloadIfWanted(now: now, ready: ready) { pipeRouting.forgetSlots() }
        for link in pool.allLinks {
            guard let conn = link.connection, let watch = watched[link.node] else { continue }
            do throws(NetError) {
                try watch.service(conn, ready)
            } catch {
                failed(link, error, now: now)
            }
        }
    }

    package var isIdle: Bool {
        events.count == 0 && parked.isEmpty && held == nil && lookup == nil && selecting == nil
            && !pool.router.reloadWanted
            && !pool.allLinks.contains(where: \.isOpenOrOpening)
    }

    package var backlog: Int {
        pool.allLinks.reduce(0) { most, link in
            guard let conn = link.connection else { return max(most, link.deferredBytes) }
            return max(most, conn.bytesQueued - conn.bytesWritten)
        }
    }

    package var holdsInput: Bool { held != nil || lookup != nil || selecting != nil || reroutesPending > 0 }

    private func popEvent() -> TransportEvent? {
        guard let event = events.pop() else { return nil }
        if case .rerouted = event { reroutesPending -= 1 }
        return event
    }

    package func retarget(host: String, port: Int) -> RcliError? {
        do throws(RcliError) {
            try pool.reseed(host: host, port: port)
            pipeRouting.forgetSlots()
            return nil
        } catch {
            return error
        }
    }

    package func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?) {
        guard let change = traits.sessionChange, let node = origin?.node else { return }
        // RESET is for the connection it ran on (the others keep READONLY on replicas).
        guard change != .reset else {
            if let link = pool.existingLink(node) {
                link.pubsub = PubSubState()
                link.session.apply(.reset)
            }
            return
        }
        pool.apply(change, args: args, servedBy: node)
    }

    package func forgetIfClosed() {}

    package func interrupt() {
        for link in pool.allLinks where link.isBusy { _ = link.abandon() }
        pool.transaction.reset()
        pool.cancelReload()
        parked.removeAll()
        held = nil
        lookup = nil
        selecting = nil
        reroutesPending = 0
        traffic = SlotTraffic()
        events = FIFO()
    }

    package func recover() {}

    package func beginRun() {
        stats = ClusterRunStats()
    }

    package func endRun(completed: Bool) {
        guard completed else { return }
        report?("\(stats.redirects) redirects, \(stats.retries) retries, \(pool.reloads) topology reloads")
        if let line = stats.summary { summary?(line) }
    }
}
