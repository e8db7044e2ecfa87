import RESP
import RedisNet

/// Key names collected while the shell's prompt waits for keys, so that Tab completes any
/// prefix at once on a large database. Inside the editor's wait (`IdleWork`), every server (each
/// master with -c, side by side) is sent `SCAN cursor COUNT n`, one step at a time, with `n`
/// adjusted so a step takes a few milliseconds; a reply is read when it has come, never waited
/// on with the editor blocked, and a key press always comes first. The names go into a
/// `KeyNameCache` (capped), kept 60 s from the scan's start; a new scan starts only after a key
/// or a line since the last one began (an idle shell left open does not scan for ever).
///
/// The shell gives it the editor's wait only at its own prompt, outside MULTI, not subscribed,
/// and connected (never while a command runs, nor in MONITOR); before a line runs, or Tab asks
/// the server directly, `settle` reads the step in flight. A command that changes what the keys
/// are (FLUSHDB, FLUSHALL, SELECT, SWAPDB, RESET, AUTH, HELLO), `connect`, a new connection or
/// another location drop the names. A refused SCAN (NOPERM, an unknown or renamed command) stops
/// the idle scan for the session, quietly.
final class IdleKeyScan: IdleWork {
    private struct Server {
        let session: Session
        /// The connection the scan uses; the scan owns it when it made it (a cluster's master).
        var connection: Connection?
        var owned = false
        var connecting: SessionConnect?
        var cursor = "0"
        var done = false
        /// When the step in flight was sent.
        var sentAt: Double?
        /// No step before this (a pause as long as the last step took).
        var nextStep = 0.0
        var count = IdleKeyScan.firstCount
    }

    /// The first step's COUNT; then halved or doubled to keep a step within a few ms.
    static let firstCount = 1000
    static let countRange = 100...5000
    /// Steps faster than this get a larger COUNT, slower than `slowStep` a smaller one.
    static let fastStep = 0.001
    static let slowStep = 0.004
    /// The idle time at the prompt before the first step.
    static let startDelay = 0.5
    /// How long `settle` waits for a step's reply before dropping its connection.
    static let settleSeconds = 2.0

    /// Off with --no-idle-scan (or a profile's `idle-scan = no`).
    let enabled: Bool
    private let makeCache: (Double) -> KeyNameCache
    /// Called once before the first step of a scan (the shell fetches its command docs then, so
    /// hints never ask the server while a step is in flight).
    var beforeScan: () -> Void = {}
    /// Prints messages pushed on a connection a step read (RESP3).
    var printPushes: ([RESPValue]) -> Void = { _ in }

    private(set) var cache: KeyNameCache?
    private var servers: [Server] = []
    /// The scan under way has ended (whole or not).
    private var finished = false
    /// The location the names are from.
    private var identity: String?
    private var lister: () -> [Session] = { [] }
    /// A SCAN was refused: no idle scan for the rest of the session.
    private(set) var refused = false
    /// A key or a line since the last scan started.
    private var activity = true
    private var idleSince = 0.0
    private var pushes: [RESPValue] = []

    init(enabled: Bool, cache: @escaping (Double) -> KeyNameCache = { KeyNameCache(born: $0) }) {
        self.enabled = enabled
        self.makeCache = cache
    }

    /// The prompt is about to wait at `location` (the shell's; nil: no idle scan at this prompt)
    /// with `servers` as the servers that hold the keys: the idle work for its wait, nil when
    /// there is none. Names from another location are dropped.
    func offer(at location: String?, servers: @escaping () -> [Session]) -> IdleWork? {
        guard enabled, !refused, let location else { return nil }
        if location != identity { reset() }
        identity = location
        lister = servers
        idleSince = monotonicSeconds()
        return self
    }

    /// A line is about to run; `name` is its command (lowercased) when it is one.
    func noteLine(command name: String?) {
        activity = true
        guard let name else { return }
        if ["flushdb", "flushall", "select", "swapdb", "reset", "auth", "hello"].contains(name) { reset() }
    }

    /// Drops the names and the scan under way (its step in flight read first).
    func reset() {
        settle(printing: false)
        for server in servers where server.owned {
            server.connecting?.cancel()
            server.session.disconnect()
        }
        servers = []
        cache = nil
        activity = true
    }

    func keyPressed() {
        activity = true
    }

    // MARK: Tab

    /// Key names for Tab: the cached ones when the scan was whole and some match; otherwise
    /// `direct` (Tab's own bounded `SCAN ... MATCH prefix*`, for names added after the scan, or
    /// while it is under way) together with the cached ones.
    func complete(prefix: String, direct: () -> [String]) -> [String] {
        settle(printing: false)
        guard let cache else { return direct() }
        let cached = cache.names(prefix: prefix)
        if cache.complete && !cached.names.isEmpty { return cached.names }
        return Array(Set(direct()).union(cached.names)).sorted()
    }

    // MARK: IdleWork

    func prepare(now: Double) -> (waits: [(fd: Int32, interest: Interest)], wake: Double?) {
        guard enabled, !refused else { return ([], nil) }
        if let cache, cache.expired(now: now) { reset() }
        if cache == nil {
            guard activity else { return ([], nil) }
            guard now >= idleSince + Self.startDelay else { return ([], idleSince + Self.startDelay) }
            start(now: now)
        }
        var waits: [(fd: Int32, interest: Interest)] = []
        var wake: Double?
        func soonest(_ t: Double?) {
            if let t { wake = min(wake ?? t, t) }
        }
        for i in servers.indices where !servers[i].done {
            if servers[i].connecting != nil || (servers[i].connection == nil && servers[i].owned) {
                if let connect = servers[i].connecting {
                    waits += connect.waits
                    soonest(connect.nextDeadline)
                }
                continue
            }
            guard let conn = servers[i].connection, servers[i].session.connection === conn else {
                // The shell's connection changed (a reconnect): the names may be another's.
                reset()
                return ([], nil)
            }
            if servers[i].sentAt == nil {
                guard now >= servers[i].nextStep else {
                    soonest(servers[i].nextStep)
                    continue
                }
                send(i, now: now)
                guard !servers[i].done else { continue }
            }
            waits.append((conn.descriptor, conn.hasPendingOutput ? [.read, .write] : .read))
            if conn.hasBufferedInput { soonest(now) }
        }
        return (waits, wake)
    }

    func advance(now: Double) -> Bool {
        for i in servers.indices where !servers[i].done {
            if let connect = servers[i].connecting {
                let ready = Dictionary(
                    connect.waits.map { ($0.fd, Reactor.readinessNow($0.fd, $0.interest)) },
                    uniquingKeysWith: { a, b in a.union(b) })
                do throws(RcliError) {
                    guard try connect.advance(ready, now: now) else { continue }
                    servers[i].connecting = nil
                    servers[i].connection = servers[i].session.connection
                } catch {
                    servers[i].connecting = nil
                    servers[i].done = true
                }
                continue
            }
            if servers[i].sentAt != nil { read(i, now: now) }
        }
        finishIfWhole()
        return !pushes.isEmpty
    }

    func show() {
        let kept = pushes
        pushes = []
        if !kept.isEmpty { printPushes(kept) }
    }

    /// Reads the replies of the steps in flight (within `settleSeconds`; a connection that does
    /// not answer in time is dropped), so the connections are free for a command.
    func settle(printing: Bool = true) {
        let deadline = monotonicSeconds() + Self.settleSeconds
        while true {
            let inFlight = servers.indices.filter { !servers[$0].done && servers[$0].sentAt != nil }
            guard !inFlight.isEmpty else { break }
            let now = monotonicSeconds()
            if now >= deadline {
                for i in inFlight { fail(i) }
                break
            }
            let fds = inFlight.compactMap { servers[$0].connection?.descriptor }.map { ($0, Interest.read) }
            if inFlight.allSatisfy({ servers[$0].connection?.hasBufferedInput != true }) {
                _ = try? Reactor.wait(for: fds, until: min(deadline, now + 0.05))
            }
            for i in inFlight { read(i, now: monotonicSeconds()) }
        }
        finishIfWhole()
        if printing { show() }
    }

    // MARK: Steps

    private func start(now: Double) {
        beforeScan()
        cache = makeCache(now)
        activity = false
        finished = false
        servers = lister().map { session in
            var server = Server(session: session, connection: session.connection)
            guard server.connection == nil else { return server }
            server.owned = true
            do throws(RcliError) {
                let connect = try SessionConnect(session: session)
                if try connect.start(now: now) {
                    server.connection = session.connection
                } else {
                    server.connecting = connect
                }
            } catch {
                server.done = true
            }
            return server
        }
    }

    private func send(_ i: Int, now: Double) {
        guard let conn = servers[i].connection else { return }
        conn.enqueue([
            Array("SCAN".utf8), Array(servers[i].cursor.utf8), Array("COUNT".utf8),
            Array(String(servers[i].count).utf8),
        ])
        do throws(NetError) {
            try conn.flush(wait: false)
            servers[i].sentAt = now
        } catch {
            fail(i)
        }
    }

    private func read(_ i: Int, now: Double) {
        guard let conn = servers[i].connection, let sentAt = servers[i].sentAt else { return }
        do {
            try conn.flush(wait: false)
            while try conn.receive() {}
            while let value = try conn.parser.nextValue() {
                if case .push = value {
                    pushes.append(value)
                    continue
                }
                servers[i].sentAt = nil
                take(value, from: i, took: now - sentAt, now: now)
                break
            }
        } catch {
            fail(i)
        }
    }

    private func take(_ reply: RESPValue, from i: Int, took: Double, now: Double) {
        guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].text,
            case .array(let names) = parts[1]
        else {
            // NOPERM, a renamed SCAN, ...: quietly no more idle scans this session.
            refused = true
            cache = nil
            servers[i].done = true
            return
        }
        for name in names {
            guard let bytes = name.stringBytes else { continue }
            guard cache?.add(bytes) ?? false else {
                // The cap: stop every server's scan; the names stay, not whole.
                for j in servers.indices { servers[j].done = true }
                return
            }
        }
        servers[i].cursor = next
        servers[i].done = next == "0"
        servers[i].nextStep = now + took
        let count = servers[i].count
        servers[i].count = Self.countRange.clamped(
            took < Self.fastStep ? count * 2 : took > Self.slowStep ? count / 2 : count)
    }

    /// A step's connection failed or stayed silent: it is dropped (the shell reconnects before
    /// its next command), and that server's scan ends, not whole.
    private func fail(_ i: Int) {
        servers[i].session.disconnect()
        servers[i].connection = nil
        servers[i].sentAt = nil
        servers[i].done = true
        servers[i].cursor = ""
    }

    /// Once every server's scan has ended: the names are all there were when every cursor came
    /// back to 0 before the cap. Connections the scan made are closed.
    private func finishIfWhole() {
        guard !finished, var cache, !servers.isEmpty, servers.allSatisfy(\.done) else { return }
        finished = true
        cache.complete = !cache.full && servers.allSatisfy { $0.cursor == "0" }
        self.cache = cache
        for server in servers where server.owned { server.session.disconnect() }
    }
}

extension ClosedRange<Int> {
    fileprivate func clamped(_ value: Int) -> Int { Swift.min(Swift.max(value, lowerBound), upperBound) }
}
