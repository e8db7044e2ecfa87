import RedisNet
import Testing

/// The link lifecycle driven with plain numbers: no sockets, no clock.
@Suite struct LinkLifecycleTests {
    private func link(connectTimeout: Double? = nil, handshake: Double = 30, stagger: Double = 0.25) -> LinkLifecycle {
        LinkLifecycle(
            timing: LinkLifecycle.Timing(connectTimeout: connectTimeout, handshakeTimeout: handshake, stagger: stagger))
    }

    @Test func oneAddressThenTheHandshake() {
        var l = link()
        #expect(l.state == .resolving)
        #expect(l.resolved(count: 1, now: 0) == [.dial(0)])
        #expect(l.state == .connecting)
        #expect(l.nextDeadline == nil, "without -t and without a next address nothing is timed")
        #expect(l.dialSucceeded(0, handshakeReplies: 2, now: 1) == [.connected(0)])
        #expect(l.state == .handshaking(owed: 2))
        #expect(l.nextDeadline == 31, "the handshake waits --reply-timeout without -t")
        #expect(l.replied() == [])
        #expect(l.replied() == [.ready])
        #expect(l.state == .ready)
        #expect(l.nextDeadline == nil)
    }

    @Test func nothingToSayIsReadyAtOnce() {
        var l = link()
        _ = l.resolved(count: 1, now: 0)
        #expect(l.dialSucceeded(0, handshakeReplies: 0, now: 0) == [.connected(0), .ready])
        #expect(l.state == .ready)
    }

    @Test func theNextAddressIsDialledAfterTheStaggerAndTheFirstToConnectWins() {
        var l = link()
        #expect(l.resolved(count: 3, now: 0) == [.dial(0)])
        #expect(l.nextDeadline == 0.25)
        #expect(l.timer(now: 0.1) == [])
        #expect(l.timer(now: 0.25) == [.dial(1)])
        #expect(l.dialling == [0, 1])
        #expect(l.nextDeadline == 0.5)
        #expect(l.dialSucceeded(1, handshakeReplies: 0, now: 0.3) == [.abandon(0), .connected(1), .ready])
        #expect(l.dialling.isEmpty)
        // A late answer from the abandoned attempt changes nothing.
        #expect(l.dialSucceeded(0, handshakeReplies: 0, now: 0.4) == [])
        #expect(l.dialFailed(0, reason: "Connection refused", now: 0.4) == [])
        #expect(l.state == .ready)
    }

    @Test func aFailureDialsTheNextAddressAtOnceAndTheLastReasonIsReported() {
        var l = link()
        _ = l.resolved(count: 2, now: 0)
        #expect(l.dialFailed(0, reason: "Connection refused", now: 0.01) == [.abandon(0), .dial(1)])
        #expect(
            l.dialFailed(1, reason: "Network is unreachable", now: 0.02)
                == [.abandon(1), .fail(.unreachable("Network is unreachable"))])
        #expect(l.state == .closed)
    }

    @Test func aFailureWhileAnotherIsInFlightWaitsForIt() {
        var l = link()
        _ = l.resolved(count: 2, now: 0)
        #expect(l.timer(now: 0.25) == [.dial(1)])
        #expect(l.dialFailed(1, reason: "Connection refused", now: 0.3) == [.abandon(1)])
        #expect(l.state == .connecting)
        #expect(
            l.dialFailed(0, reason: "Connection reset by peer", now: 0.4)
                == [.abandon(0), .fail(.unreachable("Connection reset by peer"))])
    }

    @Test func theConnectTimeoutBoundsEachAddress() {
        var l = link(connectTimeout: 1)
        _ = l.resolved(count: 2, now: 0)
        #expect(l.timer(now: 0.25) == [.dial(1)])
        #expect(l.nextDeadline == 1)
        #expect(l.timer(now: 1) == [.abandon(0)], "the second address still has its own second")
        #expect(l.nextDeadline == 1.25)
        #expect(l.timer(now: 1.25) == [.abandon(1), .fail(.unreachable(nil))], "nil: timed out")
    }

    @Test func theConnectTimeoutAlsoBoundsTheHandshake() {
        var l = link(connectTimeout: 1)
        _ = l.resolved(count: 1, now: 0)
        _ = l.dialSucceeded(0, handshakeReplies: 1, now: 0.5)
        #expect(l.nextDeadline == 1.5)
        #expect(l.timer(now: 1.4) == [])
        #expect(l.timer(now: 1.5) == [.fail(.handshakeTimedOut)])
        #expect(l.state == .closed)
    }

    @Test func anUnansweredHandshakeFailsAfterTheReplyTimeout() {
        var l = link(handshake: 30)
        _ = l.resolved(count: 1, now: 0)
        _ = l.dialSucceeded(0, handshakeReplies: 3, now: 0)
        _ = l.replied()
        #expect(l.state == .handshaking(owed: 2))
        #expect(l.timer(now: 29.9) == [])
        #expect(l.timer(now: 30) == [.fail(.handshakeTimedOut)])
    }

    @Test func ctrlCGivesUpEveryAttempt() {
        var l = link()
        _ = l.resolved(count: 3, now: 0)
        _ = l.timer(now: 0.25)
        #expect(l.interrupt() == [.abandon(0), .abandon(1), .fail(.interrupted)])
        #expect(l.state == .closed)
        #expect(l.nextDeadline == nil)
        var h = link()
        _ = h.resolved(count: 1, now: 0)
        _ = h.dialSucceeded(0, handshakeReplies: 1, now: 0)
        #expect(h.interrupt() == [.fail(.interrupted)])
        var r = link()
        _ = r.resolved(count: 1, now: 0)
        _ = r.dialSucceeded(0, handshakeReplies: 0, now: 0)
        #expect(r.interrupt() == [], "a ready link is closed, nothing failed")
        #expect(r.state == .closed)
    }

    @Test func resolutionHasTheConnectTimeout() {
        var timed = link(connectTimeout: 2)
        timed.resolving(now: 10)
        #expect(timed.nextDeadline == 12)
        var untimed = link()
        untimed.resolving(now: 10)
        #expect(untimed.nextDeadline == nil, "the resolver's own limits; Ctrl-C still ends the wait")
        #expect(untimed.interrupt() == [.fail(.interrupted)])
    }

    @Test func resolution() {
        var none = link()
        #expect(none.resolved(count: 0, now: 0) == [.fail(.unreachable("no address"))])
        var unknown = link()
        #expect(unknown.resolveFailed("Name or service not known") == [.fail(.unresolved("Name or service not known"))])
        #expect(unknown.state == .closed)
        #expect(unknown.resolved(count: 1, now: 0) == [], "a closed link stays closed")
    }

    @Test func subscribedAndClosing() {
        var l = link()
        _ = l.resolved(count: 1, now: 0)
        _ = l.dialSucceeded(0, handshakeReplies: 0, now: 0)
        l.subscribed(true)
        #expect(l.state == .subscribed)
        l.subscribed(false)
        #expect(l.state == .ready)
        l.closing()
        #expect(l.state == .closing)
        l.subscribed(true)
        #expect(l.state == .closing, "no subscribing on a closing link")
        l.closed()
        #expect(l.state == .closed)
    }

    private func readyLink() -> LinkLifecycle {
        var l = link()
        _ = l.resolved(count: 1, now: 0)
        _ = l.dialSucceeded(0, handshakeReplies: 0, now: 0)
        return l
    }

    @Test func anIdleLinkTheServerClosesIsReopenedWhenNeeded() {
        var l = readyLink()
        #expect(l.ended(closedByServer: true, idle: true, owesOnlyAShutdown: false) == .reopenWhenNeeded)
        #expect(l.state == .closed)
        #expect(!l.endedAsAsked)
    }

    @Test func aLinkLostWithSomethingOwedOrByAnotherFailureIsReported() {
        var owing = readyLink()
        #expect(owing.ended(closedByServer: true, idle: false, owesOnlyAShutdown: false) == .lost)
        var reset = readyLink()
        #expect(reset.ended(closedByServer: false, idle: true, owesOnlyAShutdown: false) == .lost, "not a close")
        var failedShutdown = readyLink()
        #expect(
            failedShutdown.ended(closedByServer: false, idle: false, owesOnlyAShutdown: true) == .lost,
            "a SHUTDOWN owed on a connection that failed otherwise is not obeyed")
        #expect(!failedShutdown.endedAsAsked)
    }

    @Test func aLinkThatCarriedATransferIsLostEvenWhenEverythingWasAnswered() {
        var l = readyLink()
        #expect(!l.carriesTransfer)
        l.carriedTransfer()
        #expect(l.carriesTransfer)
        #expect(l.ended(closedByServer: true, idle: true, owesOnlyAShutdown: false) == .lost)
    }

    @Test func aShutdownObeyedIsRememberedOnceClosedUntilANewLink() {
        var l = readyLink()
        #expect(l.ended(closedByServer: true, idle: false, owesOnlyAShutdown: true) == .asAsked)
        #expect(l.state == .closed)
        #expect(l.endedAsAsked)
        l.closed()
        #expect(l.endedAsAsked, "the owner dropping the connection keeps it")
        #expect(!readyLink().endedAsAsked, "a new link starts afresh")
    }
}
