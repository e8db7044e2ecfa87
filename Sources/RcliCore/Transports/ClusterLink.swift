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

    init(node: NodeAddress, session: Session, announced: NodeNames? = nil) {
        self.node = node
        self.session = session
        self.announced = announced
    }

    /// The open connection, nil when not connected.
    var connection: Connection? { session.connection }

    /// True while it owes replies, streams messages or is subscribed.
    var isBusy: Bool { !queue.isEmpty || queue.streaming || pubsub.isSubscribed }

    /// Queues a request for `command` (nil: rcli's own); the connection must be open.
    func send(_ args: [[UInt8]], raw: ArraySlice<UInt8>? = nil, for command: ClusterCommand?, now: Double) {
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

    /// Everything still owed, split by whether it was written, and the connection dropped.
    func abandon() -> (unsent: [InFlight<ClusterCommand>], unknown: [InFlight<ClusterCommand>]) {
        let written = session.connection?.bytesWritten ?? 0
        let lost = queue.lose(written: written)
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
