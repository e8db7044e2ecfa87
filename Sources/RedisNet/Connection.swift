import RESP

/// One connection to one server: a send queue, a socket and the reply parser.
///
/// The connection is non-blocking underneath; `flush`/`receive` wait with poll where asked to,
/// so a caller can keep many commands in flight and read replies as they come.
package final class Connection {
    /// Where this connection goes.
    package let endpoint: Endpoint
    /// Parser over everything received so far.
    package var parser: RESPParser
    private let stream: ByteStream
    private var outbox: [UInt8] = []
    private var outboxStart = 0
    /// Bytes ever queued on this connection; read before `enqueue` to know where a command starts.
    package private(set) var bytesQueued = 0
    /// Bytes ever written to the socket: a command that starts at or after this offset was
    /// never sent, so resending it elsewhere cannot run it twice.
    package private(set) var bytesWritten = 0
    /// Bytes ever received (a server that closes before saying anything may want TLS).
    package private(set) var bytesReceived = 0

    /// A connection over a stream already connected (and past its TLS handshake): `Dialer`, or
    /// a test's scripted stream.
    package init(endpoint: Endpoint, stream: ByteStream, limits: RESPLimits = RESPLimits()) {
        self.endpoint = endpoint
        self.stream = stream
        self.parser = RESPParser(limits: limits)
    }

    /// Connects with no handshake to follow (`connectTimeout` for each address; with `tls`, the
    /// TLS handshake and the certificate checks too, within `connectTimeout`, 5 s without):
    /// `Dialer`'s steps, waited on one after another. `prefer` (`-4` / `-6`) orders a host name's
    /// addresses; `fallbackHost` is dialled when the host name does not resolve.
    package convenience init(
        endpoint: Endpoint, connectTimeout: Double?, tls: (context: TLSContext, peer: TLSPeer)? = nil,
        prefer: AddressFamily = .any, fallbackHost: String? = nil, limits: RESPLimits = RESPLimits()
    ) throws(NetError) {
        let dialer = Dialer(
            endpoint: endpoint, timing: LinkLifecycle.Timing(connectTimeout: connectTimeout), handshakeReplies: 0,
            tls: tls, prefer: prefer, fallbackHost: fallbackHost, limits: limits)
        var made = try dialer.start(now: monotonicSeconds())
        while made == nil {
            let ready: [Int32: Readiness]
            do throws(NetError) {
                ready = try Reactor.waitOnConnections(dialer.waits, until: dialer.nextDeadline)
            } catch {
                dialer.cancel()
                throw error
            }
            made = try dialer.advance(ready, now: monotonicSeconds())
        }
        guard let made else { throw .connect(endpoint, reason: "not connected") }
        self.init(endpoint: endpoint, stream: made.stream, limits: limits)
    }

    /// The socket descriptor, for poll loops that watch several sources.
    package var descriptor: Int32 { stream.descriptor }

    /// Bytes received and decrypted but not yet read (TLS): call `receive` without polling.
    package var hasBufferedInput: Bool { stream.hasBufferedInput }

    /// True when queued bytes have not all been written yet.
    package var hasPendingOutput: Bool { outboxStart < outbox.count }

    /// Queues a command (not written until `flush`).
    package func enqueue(_ args: [[UInt8]]) {
        if outboxStart == outbox.count {
            outbox.removeAll(keepingCapacity: true)
            outboxStart = 0
        }
        let before = outbox.count
        RESPEncoder.encode(args, count: args.count, into: &outbox)
        bytesQueued += outbox.count - before
    }

    /// Queues raw bytes as they are.
    package func enqueueRaw(_ bytes: [UInt8]) {
        enqueueRaw(bytes[...])
    }

    /// Queues raw bytes as they are.
    package func enqueueRaw(_ bytes: ArraySlice<UInt8>) {
        if outboxStart == outbox.count {
            outbox.removeAll(keepingCapacity: true)
            outboxStart = 0
        } else if outboxStart >= 1 << 20 {
            // A writer that never quite drains (--pipe): drop what was written.
            outbox.removeFirst(outboxStart)
            outboxStart = 0
        }
        outbox.append(contentsOf: bytes)
        bytesQueued += bytes.count
    }

    /// Writes queued bytes. Non-blocking unless `wait` (until `deadline`, monotonic seconds, if
    /// given: `.timeout` after it); returns true when all were written.
    @discardableResult
    package func flush(wait: Bool, deadline: Double? = nil) throws(NetError) -> Bool {
        while outboxStart < outbox.count {
            let start = outboxStart
            let r: Result<SystemCallResult, NetError> = outbox.withUnsafeBytes { raw in
                do throws(NetError) {
                    return .success(try stream.write(UnsafeRawBufferPointer(rebasing: raw[start...])))
                } catch { return .failure(error) }
            }
            switch r {
            case .success(.done(let n)):
                outboxStart += n
                bytesWritten += n
            case .success(.wouldBlock):
                guard wait else { return false }
                if let deadline, deadline <= monotonicSeconds() {
                    throw .timeout("\(endpoint) took nothing written in time")
                }
                _ = try Reactor.waitOnConnection(stream.descriptor, .write, until: deadline)
            case .failure(let e):
                throw e
            }
        }
        return true
    }

    /// Reads what has arrived into the parser. Returns false when nothing was available;
    /// throws `.closed` at end of stream.
    @discardableResult
    package func receive() throws(NetError) -> Bool {
        var result: Result<SystemCallResult, NetError> = .success(.wouldBlock)
        _ = parser.fill { buffer in
            do throws(NetError) {
                let r = try stream.read(into: buffer)
                result = .success(r)
                if case .done(let n) = r { return n }
                return -1
            } catch {
                result = .failure(error)
                return -1
            }
        }
        switch result {
        case .success(.done(0)): throw NetError.closed
        case .success(.done(let n)):
            bytesReceived += n
            return true
        case .success(.wouldBlock): return false
        case .failure(let e): throw e
        }
    }

    /// False when the server has closed an idle connection (checked without waiting or
    /// consuming anything), so a caller can reconnect before sending rather than lose a command.
    package var isOpen: Bool {
        guard parser.isAtReplyBoundary else { return true }
        return !stream.isClosedWhileIdle()
    }

    /// Waits until the socket is readable or `deadline` (monotonic seconds; nil: no limit)
    /// passes. Returns false on timeout.
    package func waitReadable(until deadline: Double?) throws(NetError) -> Bool {
        if stream.hasBufferedInput { return true }
        return try !Reactor.waitOnConnection(stream.descriptor, .read, until: deadline).isEmpty
    }

    /// The next parser event, reading (and waiting) as needed; with a deadline (monotonic
    /// seconds), throws `.timeout` when nothing completes an event by then.
    package func nextEvent(deadline: Double? = nil) throws(NetError) -> RESPEvent {
        while true {
            if let e = try bufferedEvent() { return e }
            if try !receive() {
                if let deadline, deadline <= monotonicSeconds() { throw .timeout("no reply from \(endpoint) in time") }
                _ = try waitReadable(until: deadline)
            }
        }
    }

    /// The next parser event from what has already been received, nil when more bytes are
    /// needed (never reads or waits). A protocol violation is a `NetError`.
    package func bufferedEvent() throws(NetError) -> RESPEvent? {
        do {
            return try parser.next()
        } catch let e as RESPProtocolError {
            throw .protocolViolation(e)
        } catch {
            throw .protocolViolation(.missingCRLF)
        }
    }

    /// Hands `take` each whole reply that has come, reading what the stream has without waiting
    /// (queued bytes are written first, without waiting either), until `take` returns false (it
    /// wants no more now) or nothing more has come. `builder` holds a reply begun but not yet
    /// whole from one call to the next. For the steps a wait loop drives: a handshake's replies,
    /// a topology query's.
    package func readReplies(
        _ builder: inout RESPValueBuilder, _ take: (RESPValue) throws(NetError) -> Bool
    ) throws(NetError) {
        try flush(wait: false)
        while true {
            if let event = try bufferedEvent() {
                guard let reply = builder.feed(event) else { continue }
                if try !take(reply) { return }
                continue
            }
            if try !receive() { return }
        }
    }

    /// Raw bytes (at most `max`): what is buffered first, else what the stream gives next,
    /// waiting until `deadline` (monotonic seconds) if given. Throws `.closed` at end of stream.
    package func readRaw(max: Int, deadline: Double? = nil) throws(NetError) -> [UInt8] {
        while true {
            if parser.bufferedByteCount > 0 { return parser.takeRaw(max: max) }
            if try receive() { continue }
            if let deadline, deadline <= monotonicSeconds() { throw .timeout("no data from \(endpoint) in time") }
            _ = try waitReadable(until: deadline)
        }
    }

    /// Gives back raw bytes read past a payload, so they are parsed as RESP again.
    package func unread(_ bytes: [UInt8]) {
        parser.unread(bytes)
    }

    /// The next whole reply, reading (and waiting) as needed, until `deadline` if given.
    package func nextValue(deadline: Double? = nil) throws(NetError) -> RESPValue {
        var builder = RESPValueBuilder()
        while true {
            if let v = builder.feed(try nextEvent(deadline: deadline)) { return v }
        }
    }

    /// Sends one command and waits for its reply (until `deadline` if given).
    package func roundTrip(_ args: [[UInt8]], deadline: Double? = nil) throws(NetError) -> RESPValue {
        enqueue(args)
        try flush(wait: true, deadline: deadline)
        return try nextValue(deadline: deadline)
    }
}
