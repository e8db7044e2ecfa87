import Cluster
import RESP
import RedisNet

/// A connection plus the state a reconnect must restore: credentials, database, protocol.
package final class Session {
    /// The settings it was made from (host and port change with `connect host port`).
    package private(set) var settings: ConnectionSettings
    /// The live connection, nil when not connected.
    package private(set) var connection: Connection?
    /// The database in use (changes with a successful SELECT).
    package var database: Int
    /// The password resolved at start (argv, environment or askpass), or set by AUTH.
    package private(set) var password: String?
    private var user: String?
    private var protocolVersion: Int
    private var clientName: [UInt8]?
    private var readOnly = false
    /// The TLS context, made at the first TLS connect and shared with node sessions.
    private var tlsContext: TLSContext?
    /// The seed's name (`--sni` or `-h`), for `--tls-name-from-seed`.
    private var tlsSeedName: String
    /// Where the connection is in its life (resolving, connecting, handshaking, ready ...), and
    /// what its end meant (a transport records it: `LinkLifecycle.ended`); each new connection
    /// brings its own.
    package internal(set) var lifecycle = LinkLifecycle(timing: LinkLifecycle.Timing(connectTimeout: nil))

    /// A session (not yet connected). `password` is the resolved one (argv, env or askpass).
    package init(settings: ConnectionSettings, password: String?) {
        self.settings = settings
        self.password = password
        self.user = settings.user
        self.database = settings.database
        self.protocolVersion = settings.protocolVersion
        self.tlsSeedName = settings.tlsSNI ?? settings.host
        self.clientName = settings.clientName.map { Array($0.utf8) }
    }

    /// True when the connection speaks RESP3 (pushes come apart from replies).
    package var usesRESP3: Bool { protocolVersion == 3 }

    /// Records what a successful command changed, so a reconnect restores it.
    package func apply(_ change: SessionChange) {
        switch change {
        case .auth(let user, let password):
            self.user = user.map { String(decoding: $0, as: UTF8.self) }
            self.password = String(decoding: password, as: UTF8.self)
        case .protocolVersion(let v): protocolVersion = v
        case .clientName(let name): clientName = name
        case .readOnly(let on): readOnly = on
        case .reset:
            database = 0
            protocolVersion = 2
            clientName = nil
            readOnly = false
        }
    }

    /// True when connections send READONLY (replica reads).
    package var readsFromReplicas: Bool { readOnly }

    /// A session for another node of the same cluster: the same credentials, database,
    /// protocol, client name and READONLY state (forced on for a replica's connection).
    /// `announced` is what the cluster says of the node besides `host`: its hostname (the name
    /// its certificate is checked against) and its IP (dialled when `host` does not resolve).
    package func forNode(
        host: String, port: Int, readOnly: Bool, connectTimeout: Double? = nil, announced: NodeNames? = nil
    ) -> Session {
        var c = settings
        if let connectTimeout { c.connectTimeout = connectTimeout }
        c.host = host
        c.port = port
        c.socketPath = nil
        c.fallbackHost = announced?.ip
        // Each node's certificate is checked against the name it is reached by, or the hostname
        // the cluster announces for it; --sni named the seed only.
        c.tlsSNI = nil
        c.tlsName = announced?.hostname ?? (c.tlsNameFromSeed && isIPAddress(host) ? tlsSeedName : nil)
        let s = Session(settings: c, password: password)
        s.tlsContext = tlsContext
        s.tlsSeedName = tlsSeedName
        s.user = user
        s.database = database
        s.protocolVersion = protocolVersion
        s.clientName = clientName
        s.readOnly = self.readOnly || readOnly
        return s
    }

    /// Where to connect.
    package var endpoint: Endpoint {
        if let path = settings.socketPath { return .unix(path: path) }
        return .tcp(host: settings.host, port: settings.port)
    }

    /// Points the session at another TCP server (`connect host port`); the database and
    /// credentials stay. Connects on the next `connect()`.
    package func retarget(host: String, port: Int) {
        disconnect()
        // Another server: nothing the old one's link did (a SHUTDOWN obeyed) carries over.
        lifecycle = LinkLifecycle(timing: LinkLifecycle.Timing(connectTimeout: nil))
        settings.host = host
        settings.port = port
        settings.socketPath = nil
    }

    /// Sets the connect timeout of later connects (`--sentinel` gives one without `-t`).
    package func setConnectTimeout(_ seconds: Double) {
        settings.connectTimeout = seconds
    }

    /// Forgets a connection the server closed while it sat idle, so the next `connect()`
    /// opens a fresh one instead of losing a command on it. For callers that were idle (the
    /// shell between lines); `connect()` itself stays free of this check, it is on every
    /// command's path.
    package func dropIfClosed() {
        if let c = connection, !c.isOpen { disconnect() }
    }

    /// The TLS context and peer names for the next connection, nil without TLS.
    func tlsSetup() throws(NetError) -> (context: TLSContext, peer: TLSPeer)? {
        guard settings.tls else { return nil }
        let context: TLSContext
        if let existing = tlsContext {
            context = existing
        } else {
            context = try TLSContext(settings.tlsOptions)
            tlsContext = context
        }
        let host = settings.socketPath == nil ? settings.host : "localhost"
        let sni = settings.tlsSNI ?? settings.tlsName ?? (isIPAddress(host) ? nil : host)
        return (context, TLSPeer(expectedName: settings.tlsName ?? settings.tlsSNI ?? host, sni: sni))
    }

    /// Takes a connection made and handshaken elsewhere (`SessionConnect`, driven by the
    /// engine's wait loop), with the lifecycle that got it there.
    func adopt(_ conn: Connection, lifecycle: LinkLifecycle) {
        connection = conn
        self.lifecycle = lifecycle
    }

    /// Drops the connection.
    package func disconnect() {
        connection = nil
        lifecycle.closed()
    }

    /// Connects and runs the handshake (AUTH, SELECT, HELLO 3 in one round trip), unless
    /// already connected: the steps of `SessionConnect` (the cluster transport's connect, which
    /// does not wait), here waited on one after another. Every wait has a deadline: each
    /// address's connect `-t` (the operating system's own without it), the handshake's replies
    /// `-t` or else `--reply-timeout`. In the shell (`InterruptSignal.endsBlockingWaits`) Ctrl-C
    /// ends any of them: `.interrupted`.
    @discardableResult
    package func connect() throws(RcliError) -> Connection {
        if let c = connection { return c }
        let attempt = try SessionConnect(session: self)
        var done = try attempt.start(now: monotonicSeconds())
        while !done {
            let ready: [Int32: Readiness]
            do throws(NetError) {
                ready = try Reactor.waitOnConnections(attempt.waits, until: attempt.nextDeadline)
            } catch {
                attempt.cancel()
                if case .interrupted = error { throw .interrupted }
                throw .network(error)
            }
            done = try attempt.advance(ready, now: monotonicSeconds())
        }
        guard let connection else { throw .connect(.connect(endpoint, reason: "the connection was lost")) }
        return connection
    }

    /// What the handshake sends, each with the name a refusal is reported under.
    func handshakeSteps() throws(RcliError) -> [(label: String, args: [[UInt8]])] {
        var steps: [(label: String, args: [[UInt8]])] = []
        if let password {
            var args: [[UInt8]] = [Array("AUTH".utf8)]
            if let user { args.append(Array(user.utf8)) }
            args.append(Array(password.utf8))
            steps.append(("AUTH", args))
        } else if user != nil {
            throw .usage("--user needs a password (-a, --pass, --askpass or REDISCLI_AUTH)")
        }
        if database != 0 {
            steps.append(("SELECT \(database)", [Array("SELECT".utf8), Array(String(database).utf8)]))
        }
        if protocolVersion == 3 {
            steps.append(("HELLO 3", [Array("HELLO".utf8), Array("3".utf8)]))
        }
        if let clientName {
            steps.append(("CLIENT SETNAME", [Array("CLIENT".utf8), Array("SETNAME".utf8), clientName]))
        }
        if readOnly {
            steps.append(("READONLY", [Array("READONLY".utf8)]))
        }
        // With -t the server must have answered within it: a server that accepts connections
        // and says nothing (stopped, hung) fails here, not at the first command.
        if steps.isEmpty && settings.pingsOnConnect {
            steps.append(("PING", [Array("PING".utf8)]))
        }
        return steps
    }
}
