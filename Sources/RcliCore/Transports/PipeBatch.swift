import Cluster

/// `--pipe -c`'s common case: requests of one chunk of input that go, as read, to one node one
/// after another with nothing else written between them. They share one command record and one
/// entry in the link's queue (owing a reply each), so a request costs its bytes and a count
/// instead of a record, a queue entry and an event of its own. A request that gets MOVED, ASK or
/// TRYAGAIN, or that a lost connection leaves unsent, becomes a command of its own
/// (`command(at:)`) and is routed as any other.
final class PipeBatch {
    /// The chunk the requests are in (shared with the chunk's other batches, not copied).
    let chunk: [UInt8]
    /// Where the first request starts in the connection's byte stream; the others follow it.
    let streamStart: Int
    /// Each request's place in `chunk`.
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// Requests answered so far: the next reply is the answer to request `answered`.
    var answered = 0

    init(chunk: [UInt8], streamStart: Int) {
        self.chunk = chunk
        self.streamStart = streamStart
    }

    /// Requests in the batch.
    var count: Int { starts.count }

    /// Adds the request at `range` of the chunk (written right after the previous one).
    func append(_ range: Range<Int>) {
        starts.append(range.lowerBound)
        ends.append(range.upperBound)
    }

    /// The bytes of request `i`.
    func request(_ i: Int) -> ArraySlice<UInt8> { chunk[starts[i]..<ends[i]] }

    /// Request `i` as a command of its own, for entry `id`, sent to `target`; its slot found by
    /// `routing`.
    func command(at i: Int, id: EntryID, target: RouteTarget?, routing: inout PipeRouting) -> ClusterCommand {
        let raw = request(i)
        let slot = PipeInput.Command(checked: raw).flatMap { routing.slot(of: $0) }
        let e = ClusterCommand(
            id: id, args: [], raw: raw, traits: nil, route: RouteState(slot: slot, readOnly: false))
        e.target = target
        return e
    }

    /// The requests not yet answered, each with whether it was written before the connection
    /// was lost (`written` bytes of the stream had gone): those not written are safe to send
    /// elsewhere.
    func unanswered(written: Int) -> [(index: Int, written: Bool)] {
        var offset = streamStart
        var result: [(index: Int, written: Bool)] = []
        for i in 0..<count {
            if i >= answered { result.append((i, offset < written)) }
            offset += ends[i] - starts[i]
        }
        return result
    }
}
