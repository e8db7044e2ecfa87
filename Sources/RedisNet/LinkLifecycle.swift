/// The life of one link to a server as a pure state machine, in the manner of valkey-swift's
/// `ValkeyChannelHandler.StateMachine`: each input returns the actions its owner performs, and
/// deadlines are values the owner's wait honours (`nextDeadline`, then `timer(now:)`). No
/// sockets, no clock of its own: the tests drive it with plain numbers.
///
/// resolving -> connecting (the resolved addresses dialled in order, the next one `stagger`
/// seconds after the previous or at once when one fails; the first to connect wins and the
/// others are abandoned) -> handshaking (the replies owed for AUTH, SELECT, HELLO ...) -> ready
/// <-> subscribed -> closing -> closed. A failure or Ctrl-C anywhere before ready ends in
/// closed with `.fail`.
package struct LinkLifecycle: Sendable {
    /// Where the link is.
    package enum State: Equatable, Sendable {
        /// The host name is being resolved.
        case resolving
        /// Addresses are being dialled.
        case connecting
        /// Connected; this many handshake replies are owed.
        case handshaking(owed: Int)
        /// Commands may go.
        case ready
        /// Subscribed to channels: what comes are messages.
        case subscribed
        /// A QUIT or SHUTDOWN went; the server closes the link.
        case closing
        /// Gone (failed, given up, or closed).
        case closed
    }

    /// What the owner does.
    package enum Action: Equatable, Sendable {
        /// Starts a non-blocking connect to the resolved address at this index.
        case dial(Int)
        /// Closes the attempt on that address (another won, it failed or ran out of time).
        case abandon(Int)
        /// That address connected: the link is on it (the handshake goes next, if any).
        case connected(Int)
        /// The handshake is answered: commands may go.
        case ready
        /// The link could not be made.
        case fail(Failure)
    }

    /// Why the link could not be made.
    package enum Failure: Error, Equatable, Sendable {
        /// The name did not resolve (the resolver's words).
        case unresolved(String)
        /// No address connected: the last one's reason, nil when it ran out of time.
        case unreachable(String?)
        /// Connected, but the handshake was not answered in time.
        case handshakeTimedOut
        /// Ctrl-C.
        case interrupted
    }

    /// What the end of a link that was made means to its owner (`ended`).
    package enum Ending: Equatable, Sendable {
        /// The server closed it while nothing was owed (its idle timeout, a restart): a fresh
        /// link is made when the next command needs one.
        case reopenWhenNeeded
        /// The server closed it with only a SHUTDOWN owed: it did as asked.
        case asAsked
        /// Lost with replies owed, a stream or subscriptions on it, a transfer carried, or by a
        /// failure other than the server closing it: the owner reports it.
        case lost
    }

    /// The time allowed.
    package struct Timing: Sendable {
        /// `-t`: how long each address may take to connect, and then the handshake to be
        /// answered; nil: the operating system's limit for connects.
        package var connectTimeout: Double?
        /// How long the handshake is answered in without `-t`.
        package var handshakeTimeout: Double
        /// How long an address is given before the next one is dialled beside it (NIO's
        /// happy-eyeballs `connectionDelay`).
        package var stagger: Double

        /// Timing with these limits.
        package init(connectTimeout: Double?, handshakeTimeout: Double = 30, stagger: Double = 0.25) {
            self.connectTimeout = connectTimeout
            self.handshakeTimeout = handshakeTimeout
            self.stagger = stagger
        }
    }

    /// Where the link is now.
    package private(set) var state = State.resolving
    private let timing: Timing
    private var addressCount = 0
    private var nextAddress = 0
    private var lastDial = 0.0
    /// Attempts in flight: address index -> the time it is given up (infinity without `-t`).
    private var attempts: [Int: Double] = [:]
    private var lastReason: String?
    private var handshakeDeadline = 0.0
    private var resolveDeadline: Double?
    /// Raw requests (`--pipe`) went on the link: a transfer is never silently moved to a new
    /// link, so its end is a loss even when every request was answered.
    package private(set) var carriesTransfer = false
    /// The link ended because the server obeyed a SHUTDOWN (`Ending.asAsked`); kept once closed,
    /// until a new link replaces this one: a command that then finds no server is told so.
    package private(set) var endedAsAsked = false

    /// A link about to be resolved.
    package init(timing: Timing) {
        self.timing = timing
    }

    /// The addresses in flight, in order.
    package var dialling: [Int] { attempts.keys.sorted() }

    /// Resolution starts: with `-t` it has that long (the resolver's own limits without).
    package mutating func resolving(now: Double) {
        guard state == .resolving else { return }
        resolveDeadline = timing.connectTimeout.map { now + max($0, 0.001) }
    }

    /// The name resolved to `count` addresses (already in `-4`/`-6` order).
    package mutating func resolved(count: Int, now: Double) -> [Action] {
        guard state == .resolving else { return [] }
        addressCount = count
        state = .connecting
        guard count > 0 else { return fail(.unreachable("no address")) }
        return [dial(now)]
    }

    /// The name did not resolve.
    package mutating func resolveFailed(_ reason: String) -> [Action] {
        guard state == .resolving else { return [] }
        return fail(.unresolved(reason))
    }

    /// The attempt on `address` failed (`reason`: the system's words): the next address is
    /// dialled at once.
    package mutating func dialFailed(_ address: Int, reason: String, now: Double) -> [Action] {
        guard state == .connecting, attempts.removeValue(forKey: address) != nil else { return [] }
        lastReason = reason
        return [.abandon(address)] + dialNextOrFail(now)
    }

    /// The attempt on `address` connected; `handshakeReplies` are owed before commands may go.
    package mutating func dialSucceeded(_ address: Int, handshakeReplies: Int, now: Double) -> [Action] {
        guard state == .connecting, attempts[address] != nil else { return [] }
        var actions = attempts.keys.sorted().filter { $0 != address }.map { Action.abandon($0) }
        attempts.removeAll()
        actions.append(.connected(address))
        if handshakeReplies > 0 {
            state = .handshaking(owed: handshakeReplies)
            handshakeDeadline = now + (timing.connectTimeout ?? timing.handshakeTimeout)
        } else {
            state = .ready
            actions.append(.ready)
        }
        return actions
    }

    /// One handshake reply arrived (refusals are the owner's to judge).
    package mutating func replied() -> [Action] {
        guard case .handshaking(let owed) = state else { return [] }
        if owed > 1 {
            state = .handshaking(owed: owed - 1)
            return []
        }
        state = .ready
        return [.ready]
    }

    /// The time `nextDeadline` named has come (or any later time): attempts out of time are
    /// abandoned, the next address dialled when its turn has come, an unanswered handshake fails.
    package mutating func timer(now: Double) -> [Action] {
        switch state {
        case .connecting:
            var actions: [Action] = []
            for (address, deadline) in attempts.sorted(by: { $0.key < $1.key }) where deadline <= now {
                attempts[address] = nil
                lastReason = nil
                actions.append(.abandon(address))
            }
            if nextAddress < addressCount && (attempts.isEmpty || now >= lastDial + timing.stagger) {
                actions.append(dial(now))
            } else if attempts.isEmpty {
                actions += fail(.unreachable(lastReason))
            }
            return actions
        case .handshaking:
            guard now >= handshakeDeadline else { return [] }
            return fail(.handshakeTimedOut)
        default:
            return []
        }
    }

    /// When `timer(now:)` has something to do; nil when nothing is timed.
    package var nextDeadline: Double? {
        switch state {
        case .resolving:
            return resolveDeadline
        case .connecting:
            var next = attempts.values.min() ?? .infinity
            if nextAddress < addressCount { next = min(next, lastDial + timing.stagger) }
            return next.isFinite ? next : nil
        case .handshaking:
            return handshakeDeadline
        default:
            return nil
        }
    }

    /// Ctrl-C: before ready the link is given up; a ready link is closed.
    package mutating func interrupt() -> [Action] {
        switch state {
        case .resolving, .connecting, .handshaking:
            return fail(.interrupted)
        case .ready, .subscribed, .closing:
            state = .closed
            return []
        case .closed:
            return []
        }
    }

    /// The link subscribed to channels (`true`) or left the last one.
    package mutating func subscribed(_ on: Bool) {
        if on && state == .ready { state = .subscribed }
        if !on && state == .subscribed { state = .ready }
    }

    /// A QUIT or SHUTDOWN went: the server is expected to close.
    package mutating func closing() {
        if state == .ready || state == .subscribed { state = .closing }
    }

    /// Raw requests (`--pipe`) were sent on the link.
    package mutating func carriedTransfer() {
        carriesTransfer = true
    }

    /// The link's connection ended: `closedByServer` (the server closed it, rather than a read
    /// or write failing otherwise), `idle` (nothing owed, streamed or subscribed to), and
    /// `owesOnlyAShutdown` (all that is owed is one SHUTDOWN). The link is closed; what that
    /// means to its owner is returned.
    package mutating func ended(closedByServer: Bool, idle: Bool, owesOnlyAShutdown: Bool) -> Ending {
        closed()
        guard closedByServer else { return .lost }
        if owesOnlyAShutdown {
            endedAsAsked = true
            return .asAsked
        }
        return idle && !carriesTransfer ? .reopenWhenNeeded : .lost
    }

    /// The link is gone.
    package mutating func closed() {
        attempts.removeAll()
        state = .closed
    }

    private mutating func dial(_ now: Double) -> Action {
        let address = nextAddress
        nextAddress += 1
        lastDial = now
        attempts[address] = timing.connectTimeout.map { now + max($0, 0.001) } ?? .infinity
        return .dial(address)
    }

    private mutating func dialNextOrFail(_ now: Double) -> [Action] {
        if nextAddress < addressCount { return [dial(now)] }
        if attempts.isEmpty { return fail(.unreachable(lastReason)) }
        return []
    }

    private mutating func fail(_ failure: Failure) -> [Action] {
        let actions = attempts.keys.sorted().map { Action.abandon($0) } + [.fail(failure)]
        attempts.removeAll()
        state = .closed
        return actions
    }
}
