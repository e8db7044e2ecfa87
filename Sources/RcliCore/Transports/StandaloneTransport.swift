import RESP
import RedisNet

/// One server on one connection: commands are pipelined on it and replies stream back event by
/// event (a million-element reply is printed as it arrives). A connection the server closed
/// while idle is reopened at the next command; one lost with commands in flight ends the run
/// (they are reported, never resent). What a connection's end means is its lifecycle's to say
/// (`LinkLifecycle.ended`, kept in the session): after a SHUTDOWN this run sent was obeyed, a
/// command that finds no server is reported on its own (redis-cli's "Could not connect ...")
/// and the run goes on; a connection that carried a `--pipe` transfer is never silently replaced.
package final class StandaloneTransport: ShellTransport {
    /// The session: credentials, database, protocol, and the connection.
    package let session: Session
    private var queue = LinkQueue<EntryID>()
    private var watch = ConnectionWatch()
    private var depth = 0
    private enum Piece {
        case none
        /// The reply to the request at the head of the queue (what of it matters here).
        case reply(EntryID?, startsStream: Bool)
        case push, stream
    }
    private var current = Piece.none
    private var failure: RcliError?
    /// What the connection is subscribed to (the shell's subscribed mode).
    private var pubsub = PubSubState()
    private var transaction = PubSubState.Transaction()
    /// What became of commands without a reply to read (SHUTDOWN done, or no server after it).
    private var settled = FIFO<TransportEvent>()
    /// Replies are read whole and given as `.reply` (not streamed), so they may be delivered out
    /// of order: what `SentinelTransport` needs to send commands again after a failover.
    var wholeReplies = false
    /// The commands the last lost connection owed: never written, or written (their fate
    /// unknown); taken by `SentinelTransport`.
    private(set) var lastLoss: (unsent: [EntryID], unknown: [EntryID])?

    /// A transport over `session` (connected at the first command, or by `open`).
    package init(session: Session) {
        self.session = session
    }

    /// Connects now; the failure when the server cannot be reached.
    package func open() -> RcliError? {
        do throws(RcliError) {
            try session.connect()
            return nil
        } catch {
            return error
        }
    }

    package func submit(_ id: EntryID, _ command: Outbound, now: Double) {
        guard failure == nil else { return }
        let conn: Connection
        do throws(RcliError) {
            conn = try session.connect()
        } catch {
            if session.lifecycle.endedAsAsked {
                settled.append(.failed(id, .serverShutDown(why: error.text), node: nil))
            } else {
                failure = error
            }
            return
        }
        var request = InFlight<EntryID>(
            tag: id, start: conn.bytesQueued, traits: command.traits, blocking: command.traits?.blocking ?? false,
            replies: command.replies)
        request.pubsubCommand = transaction.mark(command.args, traits: command.traits)
        if let raw = command.raw {
            conn.enqueueRaw(raw)
            session.lifecycle.carriedTransfer()
        } else {
            conn.enqueue(command.args)
        }
        queue.append(request, now: now)
    }

    package func service(now: Double) {
        guard let conn = session.connection, conn.hasPendingOutput else { return }
        do throws(NetError) {
            try conn.flush(wait: false)
        } catch {
            lost(error)
        }
    }

    package func nextEvent(now: Double) -> TransportEvent? {
        if let event = settled.pop() { return event }
        guard let conn = session.connection else { return takeFailure() }
        if depth == 0 && (pubsub.readsWholeValues(queue) || readsWholeReplies) { return nextWholeValue(conn, now: now) }
        let next: RESPEvent?
        do throws(NetError) {
            next = try conn.bufferedEvent()
        } catch {
            lost(error)
            return takeFailure()
        }
        guard let event = next else { return takeFailure() }
        if depth == 0 {
            if case .begin(.push, _) = event, !queue.streaming, !(queue.head?.pushIsReply ?? false) {
                current = .push
            } else if let head = queue.headFacts {
                current = .reply(head.tag, startsStream: head.startsStream)
            } else if queue.streaming {
                current = .stream
            } else {
                session.disconnect()
                failure = .connectionLost(
                    .protocolViolation(.unexpectedReply), silent: false, tls: session.settings.tls)
                return takeFailure()
            }
        }
        switch event {
        case .begin: depth += 1
        case .end: depth -= 1
        case .scalar: break
        }
        let last = depth == 0
        switch current {
        case .reply(let tag, let startsStream):
            if last {
                current = .none
                // SUBSCRIBE/MONITOR stream from now on, unless they were refused (an error).
                var refused = false
                if case .scalar(.error) = event { refused = true }
                if queue.answered(now: now)?.complete == true, startsStream, !refused { queue.streaming = true }
            }
            guard let id = tag else { return nextEvent(now: now) }
            return .replyEvent(id, event, last: last)
        case .push:
            if last { current = .none }
            return .push(.event(event, last: last))
        case .stream, .none:
            if last { current = .none }
            return .stream(.event(event, last: last))
        }
    }

    /// Subscribed (or about to be), replies are read whole, so pub/sub messages can be told
    /// from them: a message that comes before a reply is printed first, as redis-cli does.
    private func nextWholeValue(_ conn: Connection, now: Double) -> TransportEvent? {
        let next: RESPValue?
        do {
            next = try conn.parser.nextValue()
        } catch let error as RESPProtocolError {
            lost(.protocolViolation(error))
            return takeFailure()
        } catch {
            lost(.protocolViolation(.missingCRLF))
            return takeFailure()
        }
        guard let value = next else { return takeFailure() }
        var plain = wholeReplies && !pubsub.isSubscribed && queue.head?.pubsubCommand == nil
        if case .push = value { plain = false }
        if !plain, let event = pubsub.take(value, resp3: session.usesRESP3, head: queue.head) { return event }
        guard let answered = queue.answered(now: now) else { return .message(value) }
        guard let id = answered.tag else { return nextEvent(now: now) }
        return .reply(id, value, origin: nil)
    }

    /// `wholeReplies`, and the next reply is not one that starts a stream (MONITOR, SUBSCRIBE).
    private var readsWholeReplies: Bool {
        guard wholeReplies, !queue.streaming, let head = queue.head else { return false }
        return !head.startsStream
    }

    /// The commands the last lost connection owed (once).
    func takeLoss() -> (unsent: [EntryID], unknown: [EntryID])? {
        defer { lastLoss = nil }
        return lastLoss
    }

    /// True while the connection streams (MONITOR, SUBSCRIBE) or is subscribed.
    var streams: Bool { queue.streaming || pubsub.isSubscribed }

    /// True while the connection is subscribed to channels, patterns or shard channels.
    package var subscribed: Bool { pubsub.isSubscribed }

    private func takeFailure() -> TransportEvent? {
        guard let failure else { return nil }
        self.failure = nil
        return .fatal(failure)
    }

    /// The connection failed: an idle one is reopened at the next command; one that ends with
    /// only a SHUTDOWN owed did as asked; with commands in flight (or a stream, or
    /// subscriptions, or a transfer) the run cannot go on.
    private func lost(_ error: NetError) {
        var closedByServer = false
        if case .closed = error { closedByServer = true }
        let shutdown = queue.owesOnlyAShutdown && depth == 0 ? queue.head?.tag : nil
        let silent = session.connection?.bytesReceived == 0
        let idle = queue.isEmpty && !queue.streaming && depth == 0 && !pubsub.isSubscribed
        let ending = session.lifecycle.ended(
            closedByServer: closedByServer, idle: idle, owesOnlyAShutdown: shutdown != nil)
        let (lostUnsent, lostUnknown) = queue.lose(written: session.connection?.bytesWritten ?? 0)
        dropConnection()
        switch ending {
        case .reopenWhenNeeded:
            break
        case .asAsked:
            if let shutdown { settled.append(.closed(shutdown)) }
        case .lost:
            failure = .connectionLost(error, silent: silent, tls: session.settings.tls)
            lastLoss = (lostUnsent.compactMap(\.tag), lostUnknown.compactMap(\.tag))
        }
    }

    package func prepareWait(_ reactor: Reactor, now: Double) -> Double? {
        watch.watch(session.connection, in: reactor)
        return nil
    }

    package func handle(_ ready: ReadySet, now: Double) {
        guard let conn = session.connection else { return }
        do throws(NetError) {
            try watch.service(conn, ready)
        } catch {
            lost(error)
        }
    }

    package var isIdle: Bool { session.connection == nil && failure == nil && settled.count == 0 }

    package var backlog: Int {
        guard let conn = session.connection else { return 0 }
        return conn.bytesQueued - conn.bytesWritten
    }

    package var holdsInput: Bool { false }

    package func retarget(host: String, port: Int) -> RcliError? {
        session.retarget(host: host, port: port)
        queue = LinkQueue<EntryID>()
        pubsub = PubSubState()
        transaction = PubSubState.Transaction()
        return open()
    }

    package func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?) {
        if let db = traits.selectsDatabase { session.database = db }
        if let change = traits.sessionChange { session.apply(change) }
        if traits.sessionChange == .reset { pubsub = PubSubState() }
    }

    package func forgetIfClosed() {
        session.dropIfClosed()
        if session.connection == nil { pubsub = PubSubState() }
    }

    package var idleDescriptors: [Int32] {
        guard session.usesRESP3 || pubsub.isSubscribed, let conn = session.connection else { return [] }
        return [conn.descriptor]
    }

    package func takeIdleMessages() -> Result<[RESPValue], RcliError> {
        guard let conn = session.connection else { return .success([]) }
        var values: [RESPValue] = []
        do {
            try conn.receive()
            while let value = try conn.parser.nextValue() {
                pubsub.observe(value, resp3: session.usesRESP3)
                values.append(value)
            }
            return .success(values)
        } catch let error as NetError {
            return .failure(dropIdle(error))
        } catch let error as RESPProtocolError {
            return .failure(dropIdle(.protocolViolation(error)))
        } catch {
            return .failure(dropIdle(.protocolViolation(.missingCRLF)))
        }
    }

    private func dropIdle(_ error: NetError) -> RcliError {
        dropConnection()
        return .network(error)
    }

    package func interrupt() {
        dropConnection()
    }

    /// Closes the connection and forgets what belonged to it: what it owed, where its reply
    /// stream stood, its subscriptions.
    private func dropConnection() {
        session.disconnect()
        queue = LinkQueue<EntryID>()
        pubsub = PubSubState()
        transaction = PubSubState.Transaction()
        depth = 0
        current = .none
    }

    package func recover() {
        _ = open()
    }

    package func beginRun() {
        failure = nil
    }

    package func endRun(completed: Bool) {}

    package func servers(replicas: Bool) -> [(session: Session, label: String)] {
        [(session, "")]
    }

    package var primary: Session { session }

    package var location: String? {
        guard session.connection != nil else { return nil }
        let config = session.settings
        let server = Voice.current.server.lowercased()
        var p = config.socketPath.map { "\(server) \($0)" } ?? "\(config.host):\(config.port)"
        if session.database != 0 { p += "[\(session.database)]" }
        return p
    }

    package var separatesMessages: Bool { true }

    package var followsRedirects: Bool { false }
}
