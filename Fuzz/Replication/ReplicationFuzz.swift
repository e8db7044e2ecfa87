import FuzzSupport
import RESP
import RcliCore

/// The replication stream (`--rdb`, `--replica`, `--cluster backup`) on arbitrary bytes: the
/// SYNC header, the payload (length-prefixed or up to an EOF mark) and the command stream after
/// it, printed as `--replica` prints it. Properties: the same header, payload bytes, error and
/// leftover whether the bytes come whole, one at a time or in random pieces; it never holds more
/// than a header line or an EOF mark's length; a length-prefixed payload is exactly that long.
func fuzzReplication(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = bytes(data, size)
    let seed = seed(of: input)
    let outcomes = Chunking.allCases.map { StreamOutcome(input, chunking: $0, seed: seed) }
    for outcome in outcomes.dropFirst() {
        require(outcome.header == outcomes[0].header, "header differs for \(outcome.chunking)")
        require(outcome.payload == outcomes[0].payload, "payload differs for \(outcome.chunking)")
        require(outcome.error == outcomes[0].error, "error differs for \(outcome.chunking)")
        require(outcome.finished == outcomes[0].finished, "end differs for \(outcome.chunking)")
        require(outcome.after == outcomes[0].after, "bytes after the payload differ for \(outcome.chunking)")
    }
    let whole = outcomes[0]
    if case .length(let n)? = whole.header {
        require(whole.payload.count <= n, "\(whole.payload.count) payload bytes for a length of \(n)")
        require(whole.finished == (whole.payload.count == n), "a \(n)-byte payload ended after \(whole.payload.count)")
    }
    // What follows the payload is the command stream --replica prints as CSV.
    var parser = RESPParser()
    parser.append(whole.after)
    let csv = Formatters.make(.csv)
    var out: [UInt8] = []
    while let value = try? parser.nextValue() { csv.format(value, into: &out) }
    return 0
}

/// What one way of feeding the stream produced.
struct StreamOutcome {
    let chunking: Chunking
    var header: ReplicationStream.Payload?
    var payload: [UInt8] = []
    var error: ReplicationStream.Failure?
    var finished = false
    var after: [UInt8] = []

    init(_ input: [UInt8], chunking: Chunking, seed: UInt64) {
        self.chunking = chunking
        var stream = ReplicationStream()
        for piece in chunking.pieces(input, seed: seed) {
            var rest = piece
            // A piece may hold the header and the start of the payload: feed what is left.
            while !rest.isEmpty && !finished {
                let step: (events: [ReplicationStream.Event], rest: ArraySlice<UInt8>)
                do {
                    step = try stream.feed(rest)
                } catch {
                    self.error = error
                    return
                }
                for event in step.events {
                    switch event {
                    case .header(let h):
                        require(header == nil, "a second header")
                        header = h
                    case .payload(let b):
                        require(header != nil && !finished, "payload outside the payload")
                        payload += b
                    case .end:
                        finished = true
                    }
                }
                require(step.rest.count < rest.count || !step.events.isEmpty, "no progress on \(rest.count) bytes")
                rest = step.rest
                require(
                    stream.bufferedByteCount <= ReplicationStream.maxHeaderLength,
                    "\(stream.bufferedByteCount) bytes held")
                if case .eofMark? = header { require(stream.bufferedByteCount < 40, "more than a mark held") }
            }
            if finished { after += rest }
        }
    }
}
