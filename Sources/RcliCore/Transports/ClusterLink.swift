import Cluster
import RESP
import RedisNet

/// One node's connection in cluster mode, with the requests it owes replies for, in order.
final class ClusterLink {
    /// The node.
    let node: NodeAddress
    /// Its session (credentials, protocol, READONLY ...).
    let session: Session
    /// What the topology said of the node when the session was made (its hostname and IP).
    let announced: NodeNames?
    /// What it owes.
    var queue = LinkQueue<ClusterCommand>()
    /// What it is subscribed to (the shell's subscribed mode).
    var pubsub = PubSubState()
    private var transaction = PubSubState.Transaction()
    private var builder = RESPValueBuilder()
    /// The database its connection is in (nil: not connected, or not known after a refused or
    /// queued SELECT); see `ClusterTransport.ensureDatabase`.
    var selectedDatabase: Int?
    /// Its registration in the engine's reactor, and the connection it was made for.
    var token: ReactorToken?
    var registered: ObjectIdentifier?
    /// The connect under way (the engine's wait loop drives it), nil when connected or idle.
    var connecting: (any SessionConnecting)?
    /// Its descriptors in the engine's reactor while it connects.
    var connectWatch = DescriptorWatch()
    /// What was sent while it connects, in order: written once the handshake is answered.
    private var deferred: [(args: [[UInt8]], raw: ArraySlice<UInt8>?, command: ClusterCommand?)] = []
    /// About how many bytes `deferred` will be on the wire (the engine's `--pipe` window).
    private(set) var deferredBytes = 0

    init(node: NodeAddress, session: Session, announced: NodeNames? = nil) {
        self.node = node
        self.session = session
        self.announced = announced
    }

    /// The open connection, nil when not connected.
    var connection: Connection? { session.connection }

    /// Connected, or its connect under way: what is sent on it now goes (or waits for the
    /// handshake), nothing needs connecting.
    var isOpenOrOpening: Bool { session.connection != nil || connecting != nil }

    /// True while it owes replies, streams messages, is subscribed or connects.
    var isBusy: Bool { !queue.isEmpty || queue.streaming || pubsub.isSubscribed || connecting != nil }

    /// Queues a request for `command` (nil: rcli's own); the connection must be open or
    /// connecting (then the request waits for the handshake's answers).
    func send(_ args: [[UInt8]], raw: ArraySlice<UInt8>? = nil, for command: ClusterCommand?, now: Double) {
        if connecting != nil {
            deferred.append((args, raw, command))
            deferredBytes += raw?.count ?? args.reduce(16) { $0 + $1.count + 16 }
            return
        }
        guard let conn = session.connection else { return }
        var request = InFlight(
            tag: command, start: conn.bytesQueued, traits: command?.traits, blocking: command?.isBlocking ?? false)
        request.pubsubCommand = transaction.mark(args, traits: command?.traits)
        queue.append(request, now: now)
        if let raw { conn.enqueueRaw(raw) } else { conn.enqueue(args) }
    }

    /// The `--pipe -c` batch written last and the queue's `appended` count just after it.
    private var openBatch: (command: ClusterCommand, mark: Int)?
    /// Replies to batched requests read and not yet told to the engine (`ClusterTransport.tally`).
    var tally = 0

    /// Queues request `range` of `chunk` (entry `id`'s `--pipe` input, sent as read to
    /// `target`): added to the batch written last when nothing was queued after it, else the
    /// first of a new one. The connection must be open.
    func sendBatched(_ id: EntryID, chunk: [UInt8], _ range: Range<Int>, target: RouteTarget, now: Double) {
        guard let conn = session.connection else { return }
        if let open = openBatch, open.command.id == id, open.mark == queue.appended, !queue.isEmpty,
            let batch = open.command.pipeBatch
        {
            batch.append(range)
            queue.owesOneMore()
        } else {
            let batch = PipeBatch(chunk: chunk, streamStart: conn.bytesQueued)
            batch.append(range)
            let e = ClusterCommand(id: id, args: [], traits: nil, route: RouteState(slot: nil, readOnly: false))
            e.target = target
            e.pipeBatch = batch
            queue.append(InFlight(tag: e, start: conn.bytesQueued, blocking: true), now: now)
            openBatch = (e, queue.appended)
        }
        conn.enqueueRaw(chunk[range])
    }

    /// The connect is done (the session holds the connection): what waited for it goes.
    func connected(now: Double) {
        connecting = nil
        let waiting = deferred
        deferred = []
        deferredBytes = 0
        for request in waiting { send(request.args, raw: request.raw, for: request.command, now: now) }
    }

    /// Everything still owed, split by whether it was written, and the connection (or the
    /// connect under way) dropped. What waited for the connect was never written.
    func abandon() -> (unsent: [InFlight<ClusterCommand>], unknown: [InFlight<ClusterCommand>]) {
        let written = session.connection?.bytesWritten ?? 0
        var lost = queue.lose(written: written)
        connecting?.cancel()
        connecting = nil
        lost.unsent += deferred.compactMap { request in
            request.command.map { InFlight(tag: $0, start: Int.max, traits: $0.traits, blocking: $0.isBlocking) }
        }
        deferred = []
        deferredBytes = 0
        openBatch = nil
        builder = RESPValueBuilder()
        pubsub = PubSubState()
        transaction = PubSubState.Transaction()
        selectedDatabase = nil
        session.disconnect()
        return lost
    }

    /// The next whole value already received, if any.
    func nextValue() throws(NetError) -> RESPValue? {
        guard let conn = session.connection else { return nil }
        while let event = try conn.bufferedEvent() {
            if let value = builder.feed(event) { return value }
        }
        return nil
    }
}
