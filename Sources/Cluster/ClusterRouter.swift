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
    /// The slot the last MOVED named: the command goes to that slot's owner from then on,
    /// whatever its keys seemed to say (a command the table lacks, or one whose keys the table
    /// places differently from the server).
    package var movedSlot: Int?

    /// The slot it is routed by: the one a MOVED named, else its keys'.
    package var routingSlot: Int? { movedSlot ?? slot }

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
    /// The shard's master failed a command for the whole budget and has not served since:
    /// failed at once, with the reason it was given up for.
    case shardDown(node: NodeAddress, seconds: Int, problem: String)
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
        case .shardDown(let node, let seconds, let problem):
            return "Error: gave up: \(problem) (\(node) failing for \(seconds)s; its commands fail at once until it "
                + "serves again)"
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

/// Whether a command may go to its node now.
package enum Admission: Sendable, Equatable {
    /// Send it.
    case go
    /// The node was given up; this command is the probe (at most one a second) that may see it
    /// serve again. Sent once, not retried.
    case probe
    /// The node was given up and is not due for a probe: fail at once.
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
        /// Seconds between probes of a shard given up on.
        package var probeInterval = 1.0

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
    /// False when no topology could be read (a proxy or a service that refuses `CLUSTER`):
    /// commands go to the current node and slot owners are learnt from MOVED, until a node
    /// seen in a redirect answers for the topology (each is asked once).
    package private(set) var topologyKnown: Bool
    private var downUntil: [NodeAddress: Double] = [:]
    /// Masters given up on: why, since when, and when the next probe may go.
    private var givenUp: [NodeAddress: (problem: String, since: Double, nextProbe: Double)] = [:]
    /// Without a topology: nodes seen in redirects, and those not asked for the topology yet.
    private var seenInRedirects: Set<NodeAddress> = []
    private var topologyToAsk: [NodeAddress] = []

    /// A router over `map`, with `current` as the node for keyless commands; without
    /// `topologyKnown`, `map` holds only what redirects teach.
    package init(
        map: SlotMap, current: NodeAddress, seeds: [NodeAddress], policy: Policy = Policy(), natMap: NatMap = NatMap(),
        topologyKnown: Bool = true
    ) {
        self.map = natMap.translate(map)
        self.current = natMap.translate(current)
        self.seeds = seeds
        self.policy = policy
        self.natMap = natMap
        self.topologyKnown = topologyKnown
        seenInRedirects = Set(seeds)
    }

    /// Whether a command for `target` may be sent now (see `Admission`).
    package mutating func admit(_ target: RouteTarget, now: Double) -> Admission {
        guard !givenUp.isEmpty, !target.replica, !target.asking, let down = givenUp[target.node] else { return .go }
        guard now >= down.nextProbe else {
            return .fail(.shardDown(node: target.node, seconds: Int(now - down.since), problem: down.problem))
        }
        givenUp[target.node]?.nextProbe = now + policy.probeInterval
        // The shard may be serving from a promoted replica: look at the topology too.
        if topologyKnown { reloadWanted = true }
        return .probe
    }

    /// True while `node` is given up on (its commands fail at once).
    package func isGivenUp(_ node: NodeAddress) -> Bool { givenUp[node] != nil }

    /// Where `state`'s command goes now.
    package func route(_ state: RouteState, now: Double) -> RouteTarget {
        if let ask = state.askTarget { return RouteTarget(node: ask, replica: false, asking: true) }
        guard let slot = state.routingSlot, let master = map.master(for: slot) else {
            // Without a topology, a slot no redirect has placed yet goes to the seed (the
            // endpoint meant to take any key), not to whichever node answered last.
            let node = state.routingSlot != nil && !topologyKnown ? seeds.first ?? current : current
            return RouteTarget(node: node, replica: false, asking: false)
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
        answered(by: node)
    }

    /// `node` answered a command (a part of a split one too): it is healthy.
    package mutating func answered(by node: NodeAddress) {
        if !downUntil.isEmpty { downUntil[node] = nil }
        if !givenUp.isEmpty { givenUp[node] = nil }
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
                state.movedSlot = slot
                return .resend(.moved(slot: slot, node: node))
            }
            if topologyKnown {
                if !map.nodes.contains(node) { reloadWanted = true }
            } else {
                askForTopology(node)
            }
            map.moved(slot: slot, to: node)
            // Obeyed whatever rcli made of the command's keys: the server names the node.
            state.movedSlot = slot
            return .resend(.moved(slot: slot, node: node))
        case .ask(let slot, let announced):
            let node = natMap.translate(announced)
            state.redirects += 1
            if state.redirects > policy.maxRedirects { return .fail(loop(slot: slot, last: "ASK", node: node)) }
            // One command, once, elsewhere: not a topology change, so no probe (even without one).
            state.askTarget = node
            return .resend(.ask(slot: slot, node: node))
        case .retry(let reason):
            if topologyKnown && (reason.hasPrefix("CLUSTERDOWN") || reason.hasPrefix("MASTERDOWN")) {
                reloadWanted = true
            }
            if topologyKnown, reason.hasPrefix("CLUSTERDOWN Hash slot not served"), let slot = state.routingSlot,
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
        if topologyKnown { reloadWanted = true }
    }

    /// Nodes to ask for the topology, best first: known nodes that are not backing off, then
    /// the seeds, then the rest.
    package func reloadSources(now: Double) -> [NodeAddress] {
        if !topologyKnown { return topologyToAsk }
        var seen = Set<NodeAddress>()
        let known = [current] + map.nodes
        let candidates = known.filter { !isDown($0, now: now) } + seeds + known
        return candidates.filter { seen.insert($0).inserted }
    }

    /// Installs a freshly loaded slot map (addresses as announced; `--nat-map` applies here).
    package mutating func install(_ fresh: SlotMap) {
        map = natMap.translate(fresh)
        reloadWanted = false
        topologyKnown = true
        topologyToAsk = []
        if !map.nodes.contains(current), let first = map.masters.first { current = first }
        let masters = Set(map.masters)
        givenUp = givenUp.filter { masters.contains($0.key) }
    }

    /// Reload attempts all failed: keep the old map, try again at the next failure (without a
    /// topology, the nodes asked are not asked again).
    package mutating func reloadFailed() {
        reloadWanted = false
        topologyToAsk = []
    }

    /// Retry later, within the budget. A command that fails for the whole budget gives its node
    /// up: later commands for it fail at once (`admit`) until a probe sees it serve, so a shard
    /// that stays down costs a script one wait, not one per line.
    private mutating func backOff(_ state: inout RouteState, node: NodeAddress, now: Double, problem: String)
        -> RouteDecision
    {
        if let down = givenUp[node] {
            // A probe, or a command that was waiting when the node was given up.
            givenUp[node]?.problem = problem
            return .fail(.shardDown(node: node, seconds: Int(now - down.since), problem: problem))
        }
        let started = state.firstRetry ?? now
        state.firstRetry = started
        if now - started >= policy.retryBudget {
            givenUp[node] = (problem, started, now + policy.probeInterval)
            return .fail(.retriesExhausted(seconds: Int(policy.retryBudget.rounded()), problem: problem))
        }
        var delay = policy.firstBackoff
        for _ in 0..<min(state.retries, 20) { delay = min(policy.maxBackoff, delay * 2) }
        state.retries += 1
        return .wait(until: min(now + delay, started + policy.retryBudget), problem: problem)
    }

    /// Without a topology: a node seen for the first time is asked for it (once).
    private mutating func askForTopology(_ node: NodeAddress) {
        guard seenInRedirects.insert(node).inserted else { return }
        topologyToAsk.append(node)
        reloadWanted = true
    }

    private func loop(slot: Int, last: String, node: NodeAddress) -> RouteFailure {
        .redirectLoop(slot: slot, last: last, node: node, limit: policy.maxRedirects)
    }
}
