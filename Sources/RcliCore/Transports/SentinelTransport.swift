import Cluster
import RESP
import RedisNet

/// `--sentinel`: the master the sentinels name, on one connection (a `StandaloneTransport`),
/// followed across failovers. With `--sentinel-replica`, read-only commands go to a replica on a
/// second one, writes to the master; a command for the other connection waits until the first
/// has answered everything, so a script's reads and writes keep their order.
///
/// Replies are read whole (not streamed) so that they can be delivered out of order while
/// commands are sent again. After a lost connection, or a `-READONLY`/`-LOADING` from a server
/// that is no longer the master, the sentinels are asked again (for up to `--retry-budget`
/// seconds), and the commands that connection owed are decided as `-c` decides them: never
/// written or refused: sent again; written: reads sent again, writes only with
/// `--retry-writes`, the rest (and anything inside MULTI) reported as may or may not have run.
package final class SentinelTransport: ShellTransport {
    /// Which connection a command goes to.
    enum Role: Hashable {
        case master, replica
    }

    /// A command submitted and not yet settled.
    struct Pending {
        var command: Outbound
        var role: Role
        var readOnly: Bool
        var inTransaction: Bool
        /// Handed to the connection (else it waits in `held`).
        var sent = false
        /// The refusal of a server that is no longer (or not yet) what was asked for: the command
        /// did not run. Delivered as its reply if no other server is found in time.
        var refusal: RESPValue?
    }

    let locator: SentinelLocator
    let master: StandaloneTransport
    let replica: StandaloneTransport?
    let retryWrites: Bool
    let retryBudget: Double
    let notice: (String) -> Void
    let report: ((String) -> Void)?
    var pending: [EntryID: Pending] = [:]
    /// Submitted but not handed to a connection yet, in input order.
    var held: [EntryID] = []
    var inFlight: [Role: Int] = [:]
    /// A connection answered -READONLY/-LOADING: it gets nothing new; once it owes nothing the
    /// sentinels are asked again.
    var draining: Set<Role> = []
    var events = FIFO<TransportEvent>()
    private var inMulti = false
    /// A command that changes connection state (SELECT, AUTH, HELLO ...) ran on the master: the
    /// replica's connection is made again (with that state) before its next read.
    private var replicaStale = false
    var resentReads = 0
    var resentWrites = 0
    /// Since when the server named for a role refuses commands (-NOREPLICAS, -LOADING ...), and
    /// the pause before they are tried there again; cleared by its next reply.
    var refusalSince: [Role: Double] = [:]
    var refusalPause: [Role: Double] = [:]
    /// The replica was lost and no other could be found: reads go to the master from then on.
    var replicaOnMaster = false
    /// The sentinels' `+switch-master` announcements.
    let watcher: SentinelWatch
    /// A new master a sentinel announced: tried first when the master is next looked for.
    var announcedMaster: NodeAddress?
    private var lastWatch = 0.0
    /// Where each connection was last found (for the switch notice).
    var located: [Role: NodeAddress] = [:]

    /// A transport for `config` (`--sentinel` set), not connected yet: `open` asks the sentinels.
    init(config: CLIConfiguration, session: Session, output: OutputContext) {
        locator = SentinelLocator(options: config.sentinel, template: config.connection)
        watcher = SentinelWatch(name: config.sentinel.master ?? "")
        retryWrites = config.retryWrites
        retryBudget = config.retryBudget
        notice = { text in
            output.out.flush()
            output.err.write(text + "\n")
            output.err.flush()
        }
        report = config.verbose ? { [notice] text in notice("rcli: " + text) } : nil
        // A master that vanished without a word must not hold a failover for the system's
        // connect timeout: 5 s without -t.
        if session.settings.connectTimeout == nil { session.setConnectTimeout(5) }
        master = StandaloneTransport(session: session)
        master.wholeReplies = true
        if config.sentinel.replica {
            let r = StandaloneTransport(session: session.forNode(host: session.settings.host, port: 0, readOnly: false))
            r.wholeReplies = true
            replica = r
        } else {
            replica = nil
        }
    }

    func link(_ role: Role) -> StandaloneTransport {
        role == .replica && !replicaOnMaster ? (replica ?? master) : master
    }

    private var roles: [Role] { replica == nil || replicaOnMaster ? [.master] : [.master, .replica] }

    /// Finds the servers through the sentinels and connects, unless connected: at the start one
    /// round (a problem is reported at once), later (the shell's next line after a lost
    /// connection) as after a failover, for up to `--retry-budget` seconds.
    package func open() -> RcliError? {
        for role in roles where link(role).session.connection == nil {
            if located[role] != nil {
                if let error = relocate(role) { return error }
                continue
            }
            do throws(RcliError) {
                try locate(role)
            } catch {
                return error
            }
        }
        watcher.subscribe(locator.freshSessions(), seconds: locator.seconds)
        return nil
    }

    /// Reads the sentinels' announcements (`ready` nil: what has arrived, at most every 50 ms);
    /// a new master announced makes the master's connection drain and the switch follow.
    func watchSentinels(_ ready: ReadySet?, now: Double) {
        if ready == nil {
            guard now - lastWatch >= 0.05 else { return }
            lastWatch = now
        }
        watcher.service(ready)
        if let address = watcher.takeAnnounced(), address != located[.master] {
            report?("a sentinel announced \(address) as master '\(locator.name)'")
            announcedMaster = address
            draining.insert(.master)
        }
    }

    package func submit(_ id: EntryID, _ command: Outbound, now: Double) {
        let name = command.args.first.map { CommandTraits.lower($0) } ?? ""
        let inTransaction = inMulti || name == "multi"
        if name == "multi" { inMulti = true } else if name == "exec" || name == "discard" { inMulti = false }
        let readOnly = command.raw == nil && Self.isRead(command.args)
        let role: Role = replica != nil && readOnly && !inTransaction ? .replica : .master
        pending[id] = Pending(command: command, role: role, readOnly: readOnly, inTransaction: inTransaction)
        held.append(id)
        watchSentinels(nil, now: now)
        release(now: now)
    }

    /// Hands held commands to their connection, in order: none while a failover is due, and
    /// none for one connection while the other owes replies.
    func release(now: Double) {
        var i = 0
        while i < held.count {
            let id = held[i]
            guard var p = pending[id] else {
                i += 1
                continue
            }
            guard draining.isEmpty else { break }
            if replica != nil {
                let other: Role = p.role == .master ? .replica : .master
                if inFlight[other, default: 0] > 0 { break }
                if p.role == .replica && replicaStale {
                    replicaStale = false
                    replica?.interrupt()
                }
                if p.role == .master, let traits = p.command.traits,
                    traits.selectsDatabase != nil || traits.sessionChange != nil
                {
                    replicaStale = true
                }
            }
            p.sent = true
            pending[id] = p
            inFlight[p.role, default: 0] += 1
            i += 1
            link(p.role).submit(id, p.command, now: now)
        }
        held.removeFirst(i)
    }

    /// A command settled: it is no longer owed.
    func finish(_ id: EntryID) {
        guard let p = pending.removeValue(forKey: id) else { return }
        if p.sent { inFlight[p.role, default: 1] -= 1 }
    }

    package func service(now: Double) {
        release(now: now)
        for role in roles { link(role).service(now: now) }
    }

    package func nextEvent(now: Double) -> TransportEvent? {
        if let event = events.pop() { return event }
        for role in roles {
            while let event = link(role).nextEvent(now: now) {
                if let passed = screen(event, role: role, now: now) { return passed }
                if let event = events.pop() { return event }
            }
        }
        if let role = roles.first(where: { draining.contains($0) && inFlight[$0, default: 0] == 0 }) {
            let why =
                role == .master && announcedMaster != nil
                ? "a new master was announced" : "refused as a former \(role == .master ? "master" : "replica")"
            failOver(role, reason: why, unknown: [], now: now)
        }
        return events.pop()
    }

    /// What an event from `role`'s connection means here: passed on, or (nil) kept back because a
    /// failover takes care of its command.
    private func screen(_ event: TransportEvent, role: Role, now: Double) -> TransportEvent? {
        switch event {
        case .reply(let id, let value, _):
            if var p = pending[id], p.sent, !p.inTransaction, refusedByFormerRole(value, role: role) {
                report?("\(link(role).session.endpoint) answered \(value.text ?? ""): asking the sentinels again")
                p.refusal = value
                p.sent = false
                pending[id] = p
                inFlight[role, default: 1] -= 1
                draining.insert(role)
                return nil
            }
            if pending[id]?.role == role {
                refusalSince[role] = nil
                refusalPause[role] = nil
            }
            finish(id)
        case .replyEvent(let id, _, let last):
            if last { finish(id) }
        case .failed(let id, _, _), .closed(let id):
            finish(id)
        case .fatal(.interrupted):
            forgetAll()
        case .fatal(let error):
            let lostLink = link(role)
            guard !pending.values.contains(where: { link($0.role) === lostLink && $0.sent && $0.command.raw != nil })
            else {
                forgetAll()
                return event
            }
            let loss = link(role).takeLoss()
            failOver(role, reason: Self.reason(error), unknown: Set(loss?.unknown ?? []), now: now)
            return nil
        default:
            break
        }
        return event
    }

    /// `-READONLY` (a demoted master) or `-NOREPLICAS` (a master whose replica left it, as when
    /// it is promoted, with `min-replicas-to-write`) from what should be the master, `-LOADING`
    /// from either: the command did not run.
    private func refusedByFormerRole(_ value: RESPValue, role: Role) -> Bool {
        guard case .error(let bytes) = value else { return false }
        if bytes.starts(with: Array("LOADING ".utf8)) { return true }
        return role == .master
            && (bytes.starts(with: Array("READONLY ".utf8)) || bytes.starts(with: Array("NOREPLICAS ".utf8)))
    }

    /// Forgets every command (Ctrl-C, or a run that ended).
    func forgetAll() {
        pending.removeAll()
        held.removeAll()
        inFlight.removeAll()
        draining.removeAll()
    }

    package func prepareWait(_ reactor: Reactor, now: Double) -> Double? {
        var next: Double?
        watcher.prepare(reactor)
        for role in roles {
            if let t = link(role).prepareWait(reactor, now: now) { next = min(next ?? t, t) }
        }
        if !held.isEmpty && draining.isEmpty { next = now }
        // A failover that waits for nothing owed is due now.
        if roles.contains(where: { draining.contains($0) && inFlight[$0, default: 0] == 0 }) { next = now }
        return next
    }

    package func handle(_ ready: ReadySet, now: Double) {
        watchSentinels(ready, now: now)
        for role in roles { link(role).handle(ready, now: now) }
    }

    package var isIdle: Bool {
        events.count == 0 && held.isEmpty && draining.isEmpty && roles.allSatisfy { link($0).isIdle }
    }

    package var backlog: Int { roles.map { link($0).backlog }.max() ?? 0 }

    package var holdsInput: Bool { false }

    package func retarget(host: String, port: Int) -> RcliError? {
        .mode("connect: not with --sentinel (the sentinels say which server to use)")
    }

    package func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?) {
        for role in roles { link(role).commandSucceeded(traits, args: args, origin: origin) }
    }

    package func interrupt() {
        forgetAll()
        for role in roles { link(role).interrupt() }
    }

    package func beginRun() {
        for role in roles { link(role).beginRun() }
    }

    package func endRun(completed: Bool) {
        guard resentReads + resentWrites > 0 else { return }
        notice(
            "rcli: --sentinel: re-sent after a lost connection: \(resentReads + resentWrites) "
                + "(reads \(resentReads), writes \(resentWrites))")
        resentReads = 0
        resentWrites = 0
    }

    package var subscribed: Bool { master.subscribed }

    package var separatesMessages: Bool { true }

    package func forgetIfClosed() {
        for role in roles { link(role).forgetIfClosed() }
    }

    package var idleDescriptors: [Int32] { master.idleDescriptors }

    package func takeIdleMessages() -> Result<[RESPValue], RcliError> { master.takeIdleMessages() }

    package func recover() {
        _ = open()
    }

    package var location: String? {
        guard let at = master.location else { return nil }
        var text = "\(locator.name) \(at)"
        if let replica, replica.session.connection != nil { text += " (reads \(replica.session.endpoint))" }
        return text
    }

    package var followsRedirects: Bool { false }

    package func servers(replicas: Bool) -> [(session: Session, label: String)] {
        [(replica?.session ?? master.session, "")]
    }

    package var primary: Session { master.session }
}
