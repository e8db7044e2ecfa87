import RedisNet

/// A session's connect as the steps a wait loop drives: what the cluster transport's links and
/// topology reloads ask of a connect under way. `SessionConnect` (sockets, TLS, the handshake
/// commands) in a run; the tests script one that hands over a connection to an in-memory server.
protocol SessionConnecting: AnyObject {
    /// Starts: true when the session is connected (and handshaken) at once.
    func start(now: Double) throws(RcliError) -> Bool
    /// The descriptors to wait on now, and for what.
    var waits: [(fd: Int32, interest: Interest)] { get }
    /// When `advance` must be called even if nothing is ready.
    var nextDeadline: Double? { get }
    /// Goes on with what `waits` were found ready for (by descriptor) and the time: true once
    /// the session is connected and its handshake answered.
    func advance(_ ready: [Int32: Readiness], now: Double) throws(RcliError) -> Bool
    /// Gives the connect up (Ctrl-C, or the link is no longer wanted).
    func cancel()
}

/// Makes the connect of a session that is not connected (not started yet). Throws what a
/// connect throws before it dials (a `--user` without a password, a TLS configuration problem).
typealias SessionConnector = (Session) throws(RcliError) -> any SessionConnecting

extension SessionConnect: SessionConnecting {
    /// Connects over sockets (`SessionConnect`): what runs use.
    static func overSockets(_ session: Session) throws(RcliError) -> any SessionConnecting {
        try SessionConnect(session: session)
    }
}
