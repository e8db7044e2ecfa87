import RESP
import RedisNet

/// A session's connect as steps a wait loop drives (the cluster transport's run loop, or
/// `Session.connect` waiting on each in turn): resolution, connects and the TLS handshake
/// (`Dialer`), then the handshake commands (AUTH, SELECT, HELLO 3 ...) written at once and their
/// replies read as they come, before anything else goes on the connection. Each step has its
/// deadline (`-t` for each address and the TLS handshake, `-t` or else `--reply-timeout` for the
/// handshake's replies). On success the session holds the connection (`Session.adopt`).
final class SessionConnect {
    /// The session being connected.
    let session: Session
    private let steps: [(label: String, args: [[UInt8]])]
    private let dialer: Dialer
    private var connection: Connection?
    private var lifecycle: LinkLifecycle
    private var builder = RESPValueBuilder()
    private var answered = 0
    private var refused: RcliError?

    /// A connect for `session` (not connected), not started. Throws what a connect
    /// throws before it dials (a `--user` without a password, a TLS configuration problem).
    init(session: Session) throws(RcliError) {
        self.session = session
        steps = try session.handshakeSteps()
        let settings = session.settings
        let tls: (context: TLSContext, peer: TLSPeer)?
        do throws(NetError) {
            tls = try session.tlsSetup()
        } catch {
            throw .connect(error)
        }
        dialer = Dialer(
            endpoint: session.endpoint,
            timing: LinkLifecycle.Timing(
                connectTimeout: settings.connectTimeout, handshakeTimeout: settings.replyTimeout),
            handshakeReplies: steps.count, tls: tls, prefer: settings.addressFamily,
            fallbackHost: settings.fallbackHost)
        lifecycle = dialer.lifecycle
    }

    /// Starts: true when the session is connected (and handshaken) at once.
    func start(now: Double) throws(RcliError) -> Bool {
        let made: Connection?
        do throws(NetError) {
            made = try dialer.start(now: now)
        } catch {
            throw Self.dialFailure(error)
        }
        guard let made else { return false }
        return try connected(made, now: now)
    }

    /// The descriptors to wait on now, and for what.
    var waits: [(fd: Int32, interest: Interest)] {
        guard let connection else { return dialer.waits }
        return [(connection.descriptor, connection.hasPendingOutput ? [.read, .write] : .read)]
    }

    /// When `advance` must be called even if nothing is ready.
    var nextDeadline: Double? {
        connection == nil ? dialer.nextDeadline : lifecycle.nextDeadline
    }

    /// Goes on with what `waits` were found ready for (by descriptor) and the time: true once
    /// the session is connected and its handshake answered.
    func advance(_ ready: [Int32: Readiness], now: Double) throws(RcliError) -> Bool {
        if let connection { return try handshake(connection, now: now) }
        let made: Connection?
        do throws(NetError) {
            made = try dialer.advance(ready, now: now)
        } catch {
            throw Self.dialFailure(error)
        }
        guard let made else { return false }
        return try connected(made, now: now)
    }

    /// Gives the connect up (Ctrl-C, or the link is no longer wanted).
    func cancel() {
        dialer.cancel()
        connection = nil
        _ = lifecycle.interrupt()
    }

    private static func dialFailure(_ error: NetError) -> RcliError {
        if case .interrupted = error { return .interrupted }
        return .connect(error)
    }

    private func connected(_ conn: Connection, now: Double) throws(RcliError) -> Bool {
        lifecycle = dialer.lifecycle
        connection = conn
        for step in steps { conn.enqueue(step.args) }
        return try handshake(conn, now: now)
    }

    private func handshake(_ conn: Connection, now: Double) throws(RcliError) -> Bool {
        do throws(NetError) {
            if answered < steps.count {
                try conn.readReplies(&builder) { reply in
                    let step = steps[answered]
                    answered += 1
                    _ = lifecycle.replied()
                    if refused == nil, case .error(let msg) = reply {
                        refused = .handshake(step: step.label, reply: String(decoding: msg, as: UTF8.self))
                    }
                    return answered < steps.count
                }
            } else {
                try conn.flush(wait: false)
            }
        } catch {
            connection = nil
            lifecycle.closed()
            throw .network(error)
        }
        if answered == steps.count {
            connection = nil
            if let refused {
                lifecycle.closed()
                throw refused
            }
            session.adopt(conn, lifecycle: lifecycle)
            return true
        }
        if let deadline = lifecycle.nextDeadline, deadline <= now {
            _ = lifecycle.timer(now: now)
            connection = nil
            let seconds = System.cFormat("%g", session.settings.connectTimeout ?? session.settings.replyTimeout)
            throw .connect(
                .connect(session.endpoint, reason: "accepted the connection but did not answer in \(seconds)s"))
        }
        return false
    }
}
