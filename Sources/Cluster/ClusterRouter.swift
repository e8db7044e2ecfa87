/// What the runner keeps with each command for routing: its slot, and how its redirects and
/// retries have gone so far.
package struct RouteState: Sendable, Equatable {
    /// The slot of the command's keys; nil for keyless commands (they go to the current node).
    package let slot: Int?
    /// The command only reads (replica reads may serve it).
    package let readOnly: Bool
    /// MOVED/ASK followed so far.
    package var redirects = 0
    /// Retries so far (TRYAGAIN, CLUSTERDOWN, unreachable nodes ...).
    package var retries = 0
    /// When the first retry began; the retry budget counts from here.
    package var firstRetry: Double?
    /// A replica failed this command: read from the master instead.
    package var useMaster = false
    /// Where an ASK sent it, for its next attempt only.
    package var askTarget: NodeAddress?

    /// Routing state for a new command.
    package init(slot: Int?, readOnly: Bool) {
        self.slot = slot
        self.readOnly = readOnly
    }
}

/// Where to send a command next.
package struct RouteTarget: Sendable, Equatable {
    /// The node.
    package var node: NodeAddress
    /// Sent to a replica (its connection needs READONLY).
    package var replica: Bool
    /// Send ASKING first (after an ASK).
    package var asking: Bool

    /// A target.
    package init(node: NodeAddress, replica: Bool, asking: Bool) {
        self.node = node
        self.replica = replica
        self.asking = asking
    }
}

/// Why a command is sent again.
package enum RouteReason: Sendable, Equatable {
    /// `MOVED`: the slot lives on `node` (the map is updated).
    case moved(slot: Int, node: NodeAddress)
    /// `ASK`: this command goes to `node`, after `ASKING`.
    case ask(slot: Int, node: NodeAddress)
    /// A replica could not serve a read (`problem`): its master will.
    case replicaFallback(problem: String)
}

/// Why the router gave a command up.
package enum RouteFailure: Sendable, Equatable {
    /// Redirected more than `limit` times; the last was `last` (MOVED or ASK) to `node`.
    case redirectLoop(slot: Int, last: String, node: NodeAddress, limit: Int)
    /// Retried for the whole budget.
    case retriesExhausted(seconds: Int, problem: String)
    /// The node has been failing for longer than the budget: one attempt, no retries.
    case failingFor(seconds: Int, problem: String)
    /// No node serves the slot, and the map has been reloaded since.
    case slotNotServed(slot: Int, reason: String)
    /// A MOVED or ASK that cannot be read.
    case malformedRedirect(String, from: NodeAddress)

    /// The line reported for the command.
    package var text: String {
        switch self {
        case .redirectLoop(let slot, let last, let node, let limit):
            return "Error: redirect loop: slot \(slot) was redirected \(limit) times (last: \(last) to \(node)); "
                + "the cluster's slot assignments disagree"
        case .retriesExhausted(let seconds, let problem):
            return "Error: gave up after \(seconds)s of retries: \(problem)"
        case .failingFor(let seconds, let problem):
            return "Error: gave up: \(problem) (failing for \(seconds)s)"
        case .slotNotServed(let slot, let reason):
            return "Error: slot \(slot) is not served by any node (\(reason))"
        case .malformedRedirect(let text, let node):
            return "Error: cannot follow the redirect '\(text)' from \(node)"
        }
    }
}

/// What to do with a command after a reply or a failure.
package enum RouteDecision: Sendable, Equatable {
    /// The reply is the command's answer: print it.
    case deliver
    /// Send it again now (`route` says where), for this reason.
    case resend(RouteReason)
    /// Send it again (`route` says where) at this time, not before, because of `problem`.
    case wait(until: Double, problem: String)
    /// Give up.
    case fail(RouteFailure)
}

/// Routes commands in a cluster: the slot map, redirects, retries and node health. A pure
/// state machine: the caller feeds it replies and connection failures with the time, and it
/// says where to send what. It never touches a socket.
package struct ClusterRouter: Sendable {
    /// Tunables.
    package struct Policy: Sendable {
        /// MOVED/ASK followed per command before it is reported as a redirect loop.
        package var maxRedirects = 5
        /// Seconds a command may keep being retried (failover, TRYAGAIN, CLUSTERDOWN ...).
        package var retryBudget = 20.0
        /// First back-off delay; it doubles per retry up to `maxBackoff`.
        package var firstBackoff = 0.05
        /// Longest single back-off.
        package var maxBackoff = 1.0
        /// Send read-only commands to replicas.
        package var replicaReads = false

        /// The defaults.
        package init() {}
    }

    /// The slot map in use.
    package private(set) var map: SlotMap
    /// Where keyless commands go, and what the prompt shows: the node that served the last
    /// command, or the seed.
    package private(set) var current: NodeAddress
    /// The addresses given on the command line (tried last when reloading the topology).
    package let seeds: [NodeAddress]
    /// The tunables.
    package let policy: Policy
    /// Address rewriting (`--nat-map`).
    package let natMap: NatMap
    /// True when the map is known to be stale (a MOVED to a new node, a node failure): the
    /// caller should reload the topology (`reloadSources`) and `install` it.
    package private(set) var reloadWanted = false
    private var downUntil: [NodeAddress: Double] = [:]
    private var troubleSince: [NodeAddress: Double] = [:]

    /// A router over `map`, with `current` as the node for keyless commands.
    package init(
        map: SlotMap, current: NodeAddress, seeds: [NodeAddress], policy: Policy = Policy(), natMap: NatMap = NatMap()
    ) {
        self.map = natMap.translate(map)
        self.current = natMap.translate(current)
        self.seeds = seeds
        self.policy = policy
        self.natMap = natMap
    }

    /// Where `state`'s command goes now.
    package func route(_ state: RouteState, now: Double) -> RouteTarget {
        if let ask = state.askTarget { return RouteTarget(node: ask, replica: false, asking: true) }
        guard let slot = state.slot, let master = map.master(for: slot) else {
            return RouteTarget(node: current, replica: false, asking: false)
        }
        if policy.replicaReads && state.readOnly && !state.useMaster {
            let replicas = map.replicas(for: slot).filter { !isDown($0, now: now) }
            if !replicas.isEmpty {
                return RouteTarget(node: replicas[slot % replicas.count], replica: true, asking: false)
            }
        }
        return RouteTarget(node: master, replica: false, asking: false)
    }

    /// True while `node` is backing off after a failure.
    package func isDown(_ node: NodeAddress, now: Double) -> Bool {
        (downUntil[node] ?? 0) > now
    }

    /// When a backed-off node may be dialled again.
    package func downUntil(_ node: NodeAddress) -> Double? { downUntil[node] }

    /// The node `node` served a command: it becomes the current node.
    package mutating func served(by node: NodeAddress) {
        current = node
        if !downUntil.isEmpty { downUntil[node] = nil }
        if !troubleSince.isEmpty { troubleSince[node] = nil }
    }

    /// An error reply from `node` for `state`'s command (already sent to `target`).
    package mutating func errorReply(_ error: [UInt8], from target: RouteTarget, state: inout RouteState, now: Double)
        -> RouteDecision
    {
        state.askTarget = nil
        guard let redirect = Redirect.parse(error, replyingHost: target.node.host) else { return .deliver }
        switch redirect {
        case .moved(let slot, let announced):
            let node = natMap.translate(announced)
            state.redirects += 1
            if state.redirects > policy.maxRedirects { return .fail(loop(slot: slot, last: "MOVED", node: node)) }
            if target.replica && map.shard(containing: node) != nil && map.master(for: slot) == node {
                // A replica that has not been told about READONLY, or lost its master, answers
                // MOVED to its own master: read from the master, the map is right.
                state.useMaster = true
                return .resend(.moved(slot: slot, node: node))
            }
            if !map.nodes.contains(node) { reloadWanted = true }
            map.moved(slot: slot, to: node)
            return .resend(.moved(slot: slot, node: node))
        case .ask(let slot, let announced):
            let node = natMap.translate(announced)
            state.redirects += 1
            if state.redirects > policy.maxRedirects { return .fail(loop(slot: slot, last: "ASK", node: node)) }
            state.askTarget = node
            return .resend(.ask(slot: slot, node: node))
        case .retry(let reason):
            if reason.hasPrefix("CLUSTERDOWN") || reason.hasPrefix("MASTERDOWN") { reloadWanted = true }
            if reason.hasPrefix("CLUSTERDOWN Hash slot not served"), let slot = state.slot,
                map.master(for: slot) == nil,
                state.retries >= 2
            {
                // The map has been reloaded since, and no node claims the slot
                // (cluster-require-full-coverage no): waiting will not help.
                return .fail(.slotNotServed(slot: slot, reason: reason))
            }
            if target.replica {
                state.useMaster = true
                return .resend(.replicaFallback(problem: reason))
            }
            return backOff(&state, node: target.node, now: now, problem: reason)
        case .malformed(let text):
            return .fail(.malformedRedirect(text, from: target.node))
        }
    }

    /// `target` could not be reached, or its connection failed, before `state`'s command was
    /// written (a command that may have run is the caller's to report, never to resend).
    package mutating func unreachable(_ target: RouteTarget, state: inout RouteState, now: Double, problem: String)
        -> RouteDecision
    {
        markDown(target.node, now: now)
        state.askTarget = nil
        if target.replica {
            state.useMaster = true
            return .resend(.replicaFallback(problem: problem))
        }
        return backOff(&state, node: target.node, now: now, problem: problem)
    }

    /// A connection to `node` failed: back off from it and reload the topology.
    package mutating func markDown(_ node: NodeAddress, now: Double) {
        let previous = downUntil[node].map { max(0, $0 - now) } ?? 0
        downUntil[node] = now + min(policy.maxBackoff, max(policy.firstBackoff, previous * 2))
        reloadWanted = true
    }

    /// Nodes to ask for the topology, best first: known nodes that are not backing off, then
    /// the seeds, then the rest.
    package func reloadSources(now: Double) -> [NodeAddress] {
        var seen = Set<NodeAddress>()
        let known = [current] + map.nodes
        let candidates = known.filter { !isDown($0, now: now) } + seeds + known
        return candidates.filter { seen.insert($0).inserted }
    }

    /// Installs a freshly loaded slot map (addresses as announced; `--nat-map` applies here).
    package mutating func install(_ fresh: SlotMap) {
        map = natMap.translate(fresh)
        reloadWanted = false
        if !map.nodes.contains(current), let first = map.masters.first { current = first }
    }

    /// Reload attempts all failed: keep the old map, try again at the next failure.
    package mutating func reloadFailed() {
        reloadWanted = false
    }

    /// Retry later, within the budget. A node that has been failing for longer than the budget
    /// gets one attempt per command, not a full budget each: a shard that stays down (no replica
    /// to promote) costs a script one failed command per line, not 20 s per line.
    private mutating func backOff(_ state: inout RouteState, node: NodeAddress, now: Double, problem: String)
        -> RouteDecision
    {
        let troubled = troubleSince[node] ?? now
        troubleSince[node] = troubled
        if state.firstRetry == nil && now - troubled >= policy.retryBudget {
            return .fail(.failingFor(seconds: Int(now - troubled), problem: problem))
        }
        let started = state.firstRetry ?? now
        state.firstRetry = started
        if now - started >= policy.retryBudget {
            return .fail(.retriesExhausted(seconds: Int(policy.retryBudget.rounded()), problem: problem))
        }
        var delay = policy.firstBackoff
        for _ in 0..<min(state.retries, 20) { delay = min(policy.maxBackoff, delay * 2) }
        state.retries += 1
        return .wait(until: min(now + delay, started + policy.retryBudget), problem: problem)
    }

    private func loop(slot: Int, last: String, node: NodeAddress) -> RouteFailure {
        .redirectLoop(slot: slot, last: last, node: node, limit: policy.maxRedirects)
    }
}
