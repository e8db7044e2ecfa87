import Cluster
import RESP
import RedisNet

/// Runs commands in cluster mode: each goes straight to the node that owns its slot, many in
/// flight per node, and the replies are printed in input order. MOVED/ASK are followed (and
/// the map updated), retries back off, failed nodes trigger a topology reload, split commands
/// are merged. A command whose connection died after it was written is reported, not resent.
package final class ClusterRunner {
    /// Cluster-only display settings.
    package struct Display: Sendable {
        /// Show `[slot N → host:port master]` before each keyed reply (terminal only).
        package var annotations = false
        /// Show redis-cli's `-> Redirected to slot [N] located at host:port` (interactive).
        package var redirects = false
        /// Report redirects, retries and topology reloads on stderr.
        package var verbose = false

        /// Nothing extra.
        package init() {}
    }


    private let pool: ClusterPool
    private let options: ScriptRunner.Options
    private let display: Display
    private let out: OutputSink
    private let err: OutputSink
    private let printer: ReplyPrinter

    private var order: [ClusterEntry] = []
    private var head = 0
    private var parked: [ClusterEntry] = []
    private var inFlight = 0
    private var barrier = false
    private var stopInput = false
    private var stopped = false
    private var failed = false
    private var streamQueue: [RESPValue] = []
    private var stats = (redirects: 0, retries: 0)
    private var traffic = SlotTraffic()
    /// A command held back by `traffic`: nothing later is read until it goes.
    private var held: ClusterEntry?

    /// A runner over `pool`, printing to `out`/`err`.
    package init(pool: ClusterPool, options: ScriptRunner.Options, display: Display, out: OutputSink, err: OutputSink) {
        self.pool = pool
        self.options = options
        self.display = display
        self.out = out
        self.err = err
        self.printer = ReplyPrinter(options: options, out: out)
    }

    /// Runs until the source is exhausted and every reply printed (or `quit`, an `-e` failure,
    /// Ctrl-C). Returns the exit status: non-zero when any command failed.
    package func run(_ source: CommandSource) -> Int32 {
        printer.startClock()
        do {
            while true {
                try pullInput(source)
                let now = monotonicSeconds()
                retryDue(now: now)
                pool.reloadIfWanted(now: now)
                flushLinks(now: now)
                readReplies(now: monotonicSeconds())
                printReady()
                if stopped { break }
                let streaming = pool.allLinks.contains { $0.streaming }
                if head == order.count && held == nil && parked.isEmpty && inFlight == 0 && !streaming
                    && (stopInput || source.isExhausted) { break }
                try waitForProgress(source)
            }
        } catch is RunInterrupted {
            for link in pool.allLinks where link.waitingCount > 0 || link.streaming {
                link.streaming = false
                _ = link.abandon()
            }
            pool.transaction.reset()
            out.flush()
            return ScriptRunner.interruptedStatus
        } catch let e as SessionError {
            return finish(e.message)
        } catch {
            return finish("Error: \(error)")
        }
        if display.verbose {
            report("\(stats.redirects) redirects, \(stats.retries) retries, \(pool.reloads) topology reloads")
        }
        out.flush()
        err.flush()
        return failed ? 1 : 0
    }

    private func finish(_ message: String) -> Int32 {
        out.flush()
        err.write(message + "\n")
        err.flush()
        return 1
    }

    private func report(_ text: String) {
        guard display.verbose else { return }
        out.flush()
        err.write("rcli: " + text + "\n")
        err.flush()
    }

    // MARK: input

    private func pullInput(_ source: CommandSource) throws {
        while !stopInput && inFlight < options.window {
            if barrier {
                // After a redirect or a retry, later commands wait until everything earlier is
                // settled, so commands for one slot still run in input order.
                guard inFlight == 0 && parked.isEmpty else { return }
                barrier = false
            }
            if let e = held {
                guard traffic.admits(e) else { return }
                held = nil
                start(e)
                continue
            }
            guard let item = source.next() else { return }
            switch item {
            case .message(let text):
                let e = ClusterEntry(content: .message(text))
                e.reply = .null
                order.append(e)
            case .quit:
                stopInput = true
            case .connect(let host, let port):
                let e = ClusterEntry(content: .connect(host: host, port: port))
                e.reply = .null
                order.append(e)
                barrier = true
            case .command(let args):
                let e = ClusterEntry.command(args, trackingSlots: pool.router.policy.replicaReads)
                guard traffic.admits(e) else {
                    held = e
                    return
                }
                start(e)
            }
        }
    }

    private func start(_ e: ClusterEntry) {
        order.append(e)
        inFlight += 1
        traffic.begin(e)
        submit(e, now: monotonicSeconds())
        if e.traits.streaming { stopInput = true }
    }

    private func submit(_ e: ClusterEntry, now: Double) {
        let name = CommandTraits.lower(e.args[0])
        let owner = e.route.slot.flatMap { pool.router.map.master(for: $0) }
        switch pool.transaction.step(name: name, owner: owner, current: pool.router.current) {
        case .route:
            break
        case .holdMulti:
            e.reply = .simpleString(Array("OK".utf8))
            complete(e)
            return
        case .send(let node, let multiFirst):
            e.inTransaction = true
            e.pinnedTo = node
            if multiFirst {
                let multi = ClusterEntry(content: .command, args: [Array("MULTI".utf8)])
                multi.pinnedTo = node
                multi.inTransaction = true
                if let link = connectPinned(node, for: e, now: now) { link.send(multi.args, for: nil) } else { return }
            }
            dispatch(e, now: now)
            return
        case .refuse(let text):
            e.reply = .error(Array(text.utf8))
            complete(e)
            return
        }
        if let plan = splitPlan(e, name: name) {
            e.fanOut = plan
            e.partsLeft = plan.parts.count
            for part in plan.parts {
                let p = ClusterEntry(content: .command, args: part.args, route: RouteState(slot: part.slot, readOnly: e.route.readOnly))
                p.whole = e
                e.parts.append(p)
            }
            for p in e.parts { dispatch(p, now: now) }
            return
        }
        dispatch(e, now: now)
    }

    /// MGET/MSET/DEL/UNLINK/EXISTS/TOUCH across slots, DBSIZE and KEYS on every master.
    private func splitPlan(_ e: ClusterEntry, name: String) -> FanOut? {
        if let plan = FanOut.split(e.args) { return plan }
        let perMaster: FanOut.Merge?
        switch (name, e.args.count) {
        case ("dbsize", 1): perMaster = .sum
        case ("keys", 2): perMaster = .concatenate
        default: perMaster = nil
        }
        guard let merge = perMaster else { return nil }
        let slots = pool.router.map.representativeSlots
        return slots.count > 1 ? FanOut.perMaster(e.args, slots: slots, merge: merge) : nil
    }

    // MARK: sending

    private func connectPinned(_ node: NodeAddress, for e: ClusterEntry, now: Double) -> ClusterLink? {
        do throws(SessionError) {
            return try pool.link(for: RouteTarget(node: node, replica: false, asking: false))
        } catch {
            pool.transaction.reset()
            e.failure = error.message
            complete(e)
            return nil
        }
    }

    private func dispatch(_ e: ClusterEntry, now: Double) {
        let target = e.pinnedTo.map { RouteTarget(node: $0, replica: false, asking: false) } ?? pool.router.route(e.route, now: now)
        if e.pinnedTo == nil, !target.asking, let until = pool.router.downUntil(target.node), until > now {
            park(e, until: until)
            return
        }
        let link: ClusterLink
        do throws(SessionError) {
            link = try pool.link(for: target)
        } catch {
            if e.inTransaction {
                pool.transaction.reset()
                e.failure = error.message
                complete(e)
                return
            }
            decide(pool.router.unreachable(target, state: &e.route, now: now, problem: error.message), for: e, now: now,
                   why: "\(target.node) unreachable")
            return
        }
        e.target = target
        if e.sentAt == 0 { e.sentAt = now }
        if target.asking { link.send([Array("ASKING".utf8)], for: nil) }
        link.send(e.args, for: e)
        if e.traits.streaming { link.streaming = true }
    }

    private func park(_ e: ClusterEntry, until: Double) {
        e.notBefore = until
        parked.append(e)
    }

    private func retryDue(now: Double) {
        guard !parked.isEmpty else { return }
        let due = parked.filter { $0.notBefore <= now }
        guard !due.isEmpty else { return }
        parked.removeAll { $0.notBefore <= now }
        for e in due { dispatch(e, now: now) }
    }

    /// Applies the router's decision for `e`.
    private func decide(_ decision: RouteDecision, for e: ClusterEntry, now: Double, why: String) {
        switch decision {
        case .deliver:
            complete(e)
        case .resend:
            barrier = true
            stats.redirects += 1
            if let t = e.route.askTarget {
                report("ASK: slot \(e.route.slot ?? -1) → \(t)")
            } else {
                report("\(why): slot \(e.route.slot ?? -1) → \(pool.router.route(e.route, now: now).node)")
            }
            dispatch(e, now: now)
        case .wait(let until):
            barrier = true
            stats.retries += 1
            report("\(why); retrying in \(Int(((until - now) * 1000).rounded())) ms")
            park(e, until: until)
        case .fail(let message):
            e.failure = message
            complete(e)
        }
    }

    private func complete(_ e: ClusterEntry) {
        if let whole = e.whole {
            whole.partsLeft -= 1
            if whole.partsLeft == 0, let plan = whole.fanOut {
                if let failure = whole.parts.first(where: { $0.failure != nil })?.failure {
                    whole.failure = failure
                } else {
                    whole.reply = plan.combine(whole.parts.map { $0.reply ?? .null })
                }
                complete(whole)
            }
            return
        }
        inFlight -= 1
        traffic.end(e)
        if let reply = e.reply, !reply.isError, let change = e.traits.sessionChange, let node = e.servedBy?.node {
            pool.apply(change, args: e.args, servedBy: node)
        }
    }

    private func flushLinks(now: Double) {
        for link in pool.allLinks {
            guard let conn = link.connection, conn.hasPendingOutput else { continue }
            do {
                try conn.flush(wait: false)
            } catch {
                linkFailed(link, error, now: now)
            }
        }
    }

    // MARK: replies

    private func readReplies(now: Double) {
        for link in pool.allLinks {
            do {
                while let value = try link.nextValue() { handle(value, from: link, now: now) }
            } catch {
                linkFailed(link, error, now: now)
            }
        }
    }

    private func handle(_ value: RESPValue, from link: ClusterLink, now: Double) {
        let next = link.nextWaiting
        if case .push = value {
            let expected = next?.entry.map { $0.traits.replyIsPush || $0.traits.streaming } ?? false
            if !expected {
                if link.streaming && next == nil {
                    streamQueue.append(value)
                } else if options.showPushes {
                    out.write(Array(pushBytes(value)))
                }
                return
            }
        }
        guard let waiting = link.popWaiting() else {
            if link.streaming {
                streamQueue.append(value)
            } else {
                linkFailed(link, NetError.timeout("a reply nobody asked for"), now: now)
            }
            return
        }
        guard let e = waiting.entry else { return }
        if case .error(let message) = value, !e.inTransaction, let target = e.target {
            let decision = pool.router.errorReply(message, from: target, state: &e.route, now: now)
            if decision != .deliver {
                if case .resend = decision, let redirect = Redirect.parse(message, replyingHost: target.node.host) {
                    switch redirect {
                    case .moved(let slot, let node), .ask(let slot, let node): e.redirected = (slot, pool.router.natMap.translate(node))
                    default: break
                    }
                }
                let why = String(decoding: message.prefix(80), as: UTF8.self)
                decide(decision, for: e, now: now, why: why.hasPrefix("MOVED") ? "MOVED" : why)
                return
            }
        }
        e.reply = value
        e.servedBy = e.target
        if e.whole == nil, let node = e.target?.node { pool.router.served(by: node) }
        complete(e)
    }

    private func pushBytes(_ value: RESPValue) -> [UInt8] {
        var bytes: [UInt8] = []
        printer.pushFormatter.format(value, into: &bytes)
        return bytes
    }

    /// The connection to `link`'s node failed: commands never written are routed again, the
    /// others are reported as failed (their effect is unknown).
    private func linkFailed(_ link: ClusterLink, _ error: Error, now: Double) {
        let written = link.connection?.bytesWritten ?? 0
        let wasStreaming = link.streaming
        link.streaming = false
        let lost = link.abandon()
        let reason = (error as? NetError)?.description ?? "\(error)"
        if lost.isEmpty && !wasStreaming {
            // An idle connection closed (server timeout, restart): reconnect when next needed.
            return
        }
        pool.router.markDown(link.node, now: now)
        if lost.contains(where: { $0.entry?.inTransaction ?? false }) || pool.transaction.pinned == link.node {
            pool.transaction.reset()
        }
        barrier = true
        report("connection to \(link.node) failed: \(reason)")
        if wasStreaming && lost.isEmpty {
            failed = true
            out.flush()
            err.write("Error: \(reason) (\(link.node))\n")
        }
        for w in lost {
            guard let e = w.entry else { continue }
            if w.start >= written && !e.inTransaction, let target = e.target {
                decide(pool.router.unreachable(target, state: &e.route, now: now, problem: "\(reason) (\(target.node))"), for: e,
                       now: now, why: "\(target.node) failed")
            } else {
                e.failure = "Error: \(reason) (\(link.node)); the command may or may not have run"
                complete(e)
            }
        }
    }

    // MARK: output

    private func printReady() {
        while head < order.count, order[head].isComplete {
            let e = order[head]
            advance()
            switch e.content {
            case .message(let text):
                out.write(text)
            case .connect(let host, let port):
                do throws(SessionError) {
                    try pool.reseed(host: host, port: port)
                } catch {
                    out.flush()
                    err.write(error.message + "\n")
                    err.flush()
                }
            case .command:
                printCommand(e)
                if stopped { return }
            }
        }
        if head == order.count && !streamQueue.isEmpty {
            for value in streamQueue { printer.formatter.format(value, into: &out.buffer) }
            streamQueue.removeAll()
            out.flush()
        }
    }

    private func printCommand(_ e: ClusterEntry) {
        if let failure = e.failure {
            failed = true
            out.flush()
            err.write(failure + " [" + e.label + "]\n")
            err.flush()
            if options.exitOnError { stopped = true }
            return
        }
        guard let reply = e.reply else { return }
        if let r = e.redirected, display.redirects {
            out.write("-> Redirected to slot [\(r.slot)] located at \(r.node)\n")
        } else if display.annotations, let note = annotation(e) {
            out.write("\u{1b}[2m" + note + "\u{1b}[0m\n")
        }
        if options.exitOnError, case .error(let msg) = reply {
            out.flush()
            err.write(msg)
            err.write([10])
            err.flush()
            failed = true
            stopped = true
            return
        }
        printer.announce(e.traits)
        printer.formatter(for: e.traits).format(reply, into: &out.buffer)
        out.flushIfLarge()
        printer.finished(sentAt: e.sentAt)
    }

    private func annotation(_ e: ClusterEntry) -> String? {
        if let plan = e.fanOut {
            let nodes = Set(e.parts.compactMap { $0.servedBy?.node })
            if plan.perMaster { return "[all \(nodes.count) masters]" }
            return "[\(plan.parts.count) slots on \(nodes.count) node\(nodes.count == 1 ? "" : "s"), not atomic]"
        }
        guard let slot = e.route.slot, let served = e.servedBy else { return nil }
        return "[slot \(slot) → \(served.node) \(served.replica ? "replica" : "master")]"
    }

    private func advance() {
        head += 1
        if head >= 4096 && head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    // MARK: waiting

    private func waitForProgress(_ source: CommandSource) throws {
        // The command held back can go now: no need to wait for anything.
        if let e = held, traffic.admits(e) { return }
        let wantInput = !stopInput && held == nil && inFlight < options.window && !(barrier && (inFlight > 0 || !parked.isEmpty))
        if wantInput && source.inputDescriptor == nil && !source.isExhausted { return }
        var buffered = false
        for link in pool.allLinks {
            guard let conn = link.connection, conn.hasBufferedInput else { continue }
            // TLS has decrypted bytes waiting that poll would not report.
            buffered = true
            do { try conn.receive() } catch { linkFailed(link, error, now: monotonicSeconds()) }
        }
        if buffered { return }
        out.flush()
        err.flush()
        let inputFD = wantInput ? source.inputDescriptor : nil
        let links = pool.allLinks.filter { $0.connection != nil }
        let streams = links.compactMap { link in
            link.connection.map { (fd: $0.descriptor, interest: $0.hasPendingOutput ? [.read, .write] : Interest.read) }
        }
        var deadline: Double? = parked.map(\.notBefore).min()
        if pool.router.reloadWanted { deadline = min(deadline ?? .infinity, monotonicSeconds() + 0.1) }
        // A node that owes replies and says nothing (hung, or cut off without a reset).
        let replyTimeout = options.replyTimeout
        if let due = links.filter(\.expectsPromptReply).map({ $0.lastProgress + replyTimeout }).min() {
            deadline = min(deadline ?? .infinity, due)
        }
        if inputFD == nil && options.interruptDescriptor == nil && streams.isEmpty && deadline == nil {
            if inputFD == nil && source.inputDescriptor == nil { stopInput = true }
            if inFlight > 0 {
                // Nothing can ever answer: report what is left rather than wait forever.
                for e in order[head...] where !e.isComplete {
                    e.failure = "Error: no connection left to answer this command"
                    inFlight -= 1
                    traffic.end(e)
                }
            }
            return
        }
        let ready = try RunnerWait.poll(interrupt: options.interruptDescriptor, input: inputFD, streams: streams, deadline: deadline)
        if ready.input { try source.readAvailable() }
        let now = monotonicSeconds()
        for link in links where link.expectsPromptReply && now - link.lastProgress >= replyTimeout && link.connection?.hasBufferedInput != true {
            if let conn = link.connection, (try? conn.receive()) == true { continue }
            linkFailed(link, NetError.timeout("no reply in \(System.cFormat("%.2f", replyTimeout))s"), now: now)
        }
        for (link, r) in zip(links, ready.streams) where !r.isEmpty && link.connection != nil {
            guard let conn = link.connection else { continue }
            do {
                if r.contains(.writable) { try conn.flush(wait: false) }
                if r.readOrHangup { try conn.receive() }
            } catch {
                linkFailed(link, error, now: now)
            }
        }
    }
}
