import Cluster
import RESP
import RedisNet

extension SentinelTransport {
    /// Keyless commands that only read (the command table's key specifications say which keyed
    /// commands do).
    private static let keylessReads: Set<String> = [
        "ping", "echo", "info", "dbsize", "time", "scan", "keys", "randomkey", "lastsave", "role",
    ]

    /// True for a command that is safe to send again and may go to a replica.
    static func isRead(_ args: [[UInt8]]) -> Bool {
        if let info = CommandKeys.info(for: args) { return info.readOnly }
        guard let first = args.first else { return false }
        return keylessReads.contains(CommandTraits.lower(first))
    }

    /// The words of a connection failure, for the may-or-may-not-have-run report.
    static func reason(_ error: RcliError) -> String {
        switch error {
        case .connectionLost(let e, _, _), .connect(let e), .network(let e): return e.description
        default: return error.text
        }
    }

    /// Finds `role`'s server through the sentinels, connects to it and checks its ROLE; tells a
    /// change of address in one line (with `--verbose`, the first one too).
    func locate(_ role: Role) throws(RcliError) {
        let address: NodeAddress
        let session = link(role).session
        switch role {
        case .master:
            // A master a sentinel announced is taken once ROLE confirms it: the other sentinels
            // may not have heard of the switch yet, and the old master still takes writes.
            if let announced = announcedMaster {
                announcedMaster = nil
                session.retarget(host: announced.host, port: announced.port)
                do throws(RcliError) {
                    try locator.check(session, master: true)
                    address = announced
                    break
                } catch {
                    if case .interrupted = error { throw error }
                }
            }
            address = try locator.master()
            session.retarget(host: address.host, port: address.port)
            try locator.check(session, master: true)
        case .replica:
            var found: NodeAddress?
            var problems: [String] = []
            for candidate in try locator.replicas() {
                session.retarget(host: candidate.host, port: candidate.port)
                do throws(RcliError) {
                    try locator.check(session, master: false)
                    found = candidate
                    break
                } catch {
                    if case .interrupted = error { throw error }
                    problems.append(error.text)
                }
            }
            guard let found else {
                let why = problems.isEmpty ? "the sentinels know none that is up" : problems.joined(separator: "; ")
                throw .mode("Error: --sentinel-replica: no replica of '\(locator.name)' to read from (\(why))")
            }
            address = found
        }
        let before = located[role]
        located[role] = address
        if let before, before != address {
            let what = role == .master ? "the master is now" : "reading from replica"
            notice("rcli: --sentinel \(locator.name): \(what) \(address) (was \(before))")
        } else if before == nil {
            report?("--sentinel \(locator.name): \(role == .master ? "master" : "replica") at \(address)")
        }
    }

    /// Asks the sentinels for `role`'s server until they name one that serves, with pauses growing
    /// to 1 s, for up to `--retry-budget` seconds; nil once connected, else the last reason (or
    /// Ctrl-C). A replica that cannot be found sends the reads to the master instead.
    func relocate(_ role: Role) -> RcliError? {
        let deadline = monotonicSeconds() + retryBudget
        var pause = 0.1
        while true {
            do throws(RcliError) {
                try locate(role)
                return nil
            } catch {
                if error.isInterrupted { return error }
                if role == .replica {
                    // Reads need not wait for a replica: the master serves them meanwhile.
                    let why = error.text.hasPrefix("Error: ") ? String(error.text.dropFirst(7)) : error.text
                    notice("rcli: --sentinel \(locator.name): \(why); reads go to the master")
                    link(.replica).interrupt()
                    replicaOnMaster = true
                    return nil
                }
                if monotonicSeconds() + pause > deadline { return error }
                report?("\(error.text); asking again in \(System.cFormat("%g", pause))s")
            }
            do throws(NetError) {
                _ = try Reactor.waitOnConnections([], until: monotonicSeconds() + pause)
            } catch {
                return .interrupted
            }
            pause = min(pause * 2, 1)
        }
    }

    /// `role`'s connection is gone (or refuses as a former master): the sentinels are asked again
    /// until they name a server that serves, for up to `--retry-budget` seconds, and the
    /// commands it owed are sent again or reported (see the type's notes). `unknown`: those
    /// written before the loss.
    func failOver(_ role: Role, reason: String, unknown: Set<EntryID>, now: Double) {
        draining.remove(role)
        let old =
            located[role] ?? NodeAddress(host: link(role).session.settings.host, port: link(role).session.settings.port)
        let failed = link(role)
        failed.interrupt()
        for r in [Role.master, .replica] where link(r) === failed { inFlight[r] = 0 }
        report?("\(old) failed (\(reason)): asking the sentinels at \(locator.addresses)")
        let refused = pending.values.contains { link($0.role) === failed && $0.refusal != nil }
        defer { if role == .master { watcher.subscribe(locator.freshSessions(), seconds: locator.seconds) } }
        if let error = relocate(role) {
            forgetAll()
            link(role).interrupt()
            events.append(
                .fatal(error.isInterrupted ? .interrupted : .mode("\(error.text) (after losing \(old): \(reason))")))
            return
        }
        // Refused, and the same server is named again: not replaced yet, or still loading. The
        // commands are tried again after a pause that grows, until the retry budget (from the
        // first refusal) is spent; then the refusals are the replies.
        if refused && located[role] == old {
            let since = refusalSince[role] ?? now
            refusalSince[role] = since
            if monotonicSeconds() - since > retryBudget {
                deliverRefusals(role)
            } else {
                let wait = refusalPause[role] ?? 0.05
                refusalPause[role] = min(wait * 2, 1)
                report?("\(old) is still named; trying again in \(System.cFormat("%g", wait))s")
                guard sleep(wait) else { return }
            }
        }
        var again: [EntryID] = []
        var lost: [EntryID] = []
        // What the failed connection owed (with reads on the master, the reads too).
        let owed = pending.filter { entry in
            link(entry.value.role) === failed || (entry.value.role == role && replicaOnMaster)
        }.filter { $0.value.sent || $0.value.refusal != nil }.keys.sorted()
        for id in owed {
            guard var p = pending[id] else { continue }
            let written = unknown.contains(id) && p.refusal == nil
            if !written && !p.inTransaction {
                again.append(id)
            } else if p.inTransaction {
                lost.append(id)
            } else if p.readOnly {
                resentReads += 1
                again.append(id)
            } else if retryWrites {
                resentWrites += 1
                again.append(id)
            } else {
                lost.append(id)
            }
            p.sent = false
            p.refusal = nil
            pending[id] = p
        }
        for id in lost { pending.removeValue(forKey: id) }
        if !lost.isEmpty { events.append(.linkLost(node: old, reason: reason, entries: lost)) }
        held = again + held
        release(now: monotonicSeconds())
    }

    /// Waits `seconds` (Ctrl-C ends the wait where it ends blocking waits: then everything owed
    /// is forgotten and false returned).
    private func sleep(_ seconds: Double) -> Bool {
        do throws(NetError) {
            _ = try Reactor.waitOnConnections([], until: monotonicSeconds() + seconds)
            return true
        } catch {
            forgetAll()
            events.append(.fatal(.interrupted))
            return false
        }
    }

    /// No other server was found in time: the refusals are the replies.
    private func deliverRefusals(_ role: Role) {
        for id in pending.keys.sorted() {
            guard let p = pending[id], link(p.role) === link(role), let refusal = p.refusal else { continue }
            pending.removeValue(forKey: id)
            events.append(.reply(id, refusal, origin: nil))
        }
    }
}

extension RcliError {
    /// True for Ctrl-C.
    fileprivate var isInterrupted: Bool {
        if case .interrupted = self { return true }
        return false
    }
}
