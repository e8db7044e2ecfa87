import FuzzSupport
import RESP
import RcliCore

/// The RESP parser on arbitrary bytes. Properties: the same events (and the same error, at the
/// same point) whether the bytes come whole, one at a time or in random pieces; nothing it emits
/// or buffers exceeds its limits; each value re-encoded parses back to itself; the parser's events
/// for a value are the value's own replay; every formatter formats every value, finishing exactly
/// at its last event, the same streamed or whole.
func fuzzRESPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = bytes(data, size)
    // The first byte picks tight limits (so the fuzzer reaches them) or the defaults.
    let limits =
        input.first.map { $0 & 1 == 1 } == true
        ? RESPLimits(maxDepth: 4, maxBulkLength: 40, maxAggregateCount: 9, maxLineLength: 48) : RESPLimits()
    let body = Array(input.dropFirst())
    let seed = seed(of: input)
    let outcomes = Chunking.allCases.map { ParseOutcome(body, chunking: $0, seed: seed, limits: limits) }
    for outcome in outcomes.dropFirst() {
        require(outcome.events == outcomes[0].events, "events differ between \(outcome.chunking) and whole")
        require(
            outcome.error == outcomes[0].error,
            "\(outcome.chunking): \(outcome.error as Any) vs \(outcomes[0].error as Any)")
        require(outcome.atBoundary == outcomes[0].atBoundary, "reply boundary differs for \(outcome.chunking)")
    }
    checkLimits(outcomes[0].events, limits)
    for (value, events) in outcomes[0].replies {
        var replayed: [RESPEvent] = []
        value.forEachEvent { replayed.append($0) }
        require(replayed == events, "the parser's events are not the value's replay")
        checkRoundTrip(value)
        checkFormatters(value, events)
    }
    checkCommandEncoding(body)
    return 0
}

/// What one way of feeding the parser produced.
struct ParseOutcome {
    let chunking: Chunking
    var events: [RESPEvent] = []
    var replies: [(RESPValue, [RESPEvent])] = []
    var error: RESPProtocolError?
    var atBoundary = false

    init(_ body: [UInt8], chunking: Chunking, seed: UInt64, limits: RESPLimits) {
        self.chunking = chunking
        var parser = RESPParser(limits: limits)
        var builder = RESPValueBuilder()
        var current: [RESPEvent] = []
        // Buffered bytes while waiting for more: at most a line and its CR, or a bulk string and its CR.
        let bound = max(limits.maxLineLength + 1, limits.maxBulkLength + 1)
        feeding: for piece in chunking.pieces(body, seed: seed) {
            parser.append(piece)
            do {
                while let event = try parser.next() {
                    events.append(event)
                    current.append(event)
                    if let value = builder.feed(event) {
                        replies.append((value, current))
                        current = []
                    }
                }
            } catch let e as RESPProtocolError {
                error = e
                break feeding
            } catch {
                fatalError("unexpected error type \(error)")
            }
            require(parser.bufferedByteCount <= bound, "\(parser.bufferedByteCount) bytes buffered (bound \(bound))")
        }
        atBoundary = error == nil && parser.isAtReplyBoundary
    }
}

/// Nothing emitted exceeds the limits: nesting, announced counts, string lengths.
func checkLimits(_ events: [RESPEvent], _ limits: RESPLimits) {
    var depth = 0
    for event in events {
        switch event {
        case .begin(_, let count):
            depth += 1
            require(depth <= limits.maxDepth, "nesting \(depth) over \(limits.maxDepth)")
            require(count <= limits.maxAggregateCount, "aggregate of \(count) over \(limits.maxAggregateCount)")
        case .end:
            depth -= 1
            require(depth >= 0, "an aggregate ended that never began")
        case .scalar(let value):
            switch value {
            case .bulkString(let b), .error(let b), .verbatim(_, let b):
                require(b.count <= max(limits.maxBulkLength, limits.maxLineLength), "a string of \(b.count) bytes")
            case .simpleString(let b), .double(let b), .bigNumber(let b):
                require(b.count <= limits.maxLineLength, "a line of \(b.count) bytes over \(limits.maxLineLength)")
            default: break
            }
        }
    }
}

/// Encoding a value and parsing it back gives the value.
func checkRoundTrip(_ value: RESPValue) {
    let wire = RESPWire.encode(value)
    var parser = RESPParser()
    parser.append(wire)
    do {
        let back = try parser.nextValue()
        require(back == value, "\(value) re-encoded parses as \(back as Any)")
        require(parser.isAtReplyBoundary, "bytes left after re-parsing \(value)")
    } catch {
        require(false, "\(value) re-encoded does not parse: \(error)")
    }
}

/// Every formatter finishes exactly at the last event, and streams what it formats whole.
func checkFormatters(_ value: RESPValue, _ events: [RESPEvent]) {
    let formats = OutputFormat.allCases
    for format in formats {
        let streaming = Formatters.make(format)
        var streamed: [UInt8] = []
        for (i, event) in events.enumerated() {
            let done = streaming.feed(event, into: &streamed)
            require(done == (i == events.count - 1), "\(format) finished at event \(i) of \(events.count)")
        }
        require(streaming.canFlush, "\(format) still holds output after a whole reply")
        require(!streamed.isEmpty, "\(format) printed nothing for \(value)")
        var whole: [UInt8] = []
        streaming.format(value, into: &whole)
        require(whole == streamed, "\(format) formats a reused formatter's second reply differently")
    }
}

/// A command (the input cut at 0xFF bytes) encoded by RESPEncoder parses as an array of bulks.
func checkCommandEncoding(_ body: [UInt8]) {
    let args = body.split(separator: 0xFF, omittingEmptySubsequences: false).map(Array.init)
    var parser = RESPParser()
    parser.append(RESPEncoder.encode(args))
    do {
        let back = try parser.nextValue()
        require(back == .array(args.map(RESPValue.bulkString)), "RESPEncoder's command does not parse back")
    } catch {
        require(false, "RESPEncoder's command does not parse: \(error)")
    }
}
