import Cluster
import RESP
import Testing

@testable import RcliCore

/// The pipeline without sockets: events in, decisions out.
private func command(_ words: String...) -> (CommandTraits, [[UInt8]]) {
    let args = words.map { Array($0.utf8) }
    return (CommandTraits(args), args)
}

private func ok() -> RESPValue { .simpleString(Array("OK".utf8)) }

private func admit(_ p: inout Pipeline, _ words: String..., now: Double = 0) -> EntryID {
    let args = words.map { Array($0.utf8) }
    return p.admit(CommandTraits(args), args: args, now: now)
}

/// Everything deliverable now, with what each was (the text of values, "failed", "message").
private func drain(_ p: inout Pipeline, now: Double = 0) -> [String] {
    var out: [String] = []
    while let e = p.nextDelivery() {
        var isError = false
        switch e.outcome {
        case .value(let v, _)?:
            out.append(String(decoding: v.stringBytes ?? [], as: UTF8.self))
            isError = v.isError
        case .failed?:
            out.append("failed")
            isError = true
        case .streamed(let err)?:
            out.append("streamed")
            isError = err
        case .closed?:
            out.append("closed")
        case nil:
            out.append("?")
        }
        if case .message(let text) = e.item { out[out.count - 1] = "message:" + String(decoding: text, as: UTF8.self) }
        p.delivered(e, isError: isError, now: now)
    }
    return out
}

@Test func theWindowLimitsCommandsInFlight() {
    var p = Pipeline(Pipeline.Settings(window: .commands(2)), now: 0)
    #expect(p.wantsInput(now: 0, backlog: 0))
    let a = admit(&p, "get", "a")
    let _ = admit(&p, "get", "b")
    #expect(!p.wantsInput(now: 0, backlog: 0), "two in flight: the window is full")
    p.replied(a, ok(), origin: nil, now: 0)
    #expect(!p.wantsInput(now: 0, backlog: 0), "answered but not delivered still counts")
    #expect(drain(&p) == ["OK"])
    #expect(p.wantsInput(now: 0, backlog: 0))
}

@Test func shutdownIsABarrierAndItsClosedConnectionASuccess() {
    var p = Pipeline(Pipeline.Settings(window: .commands(1000)), now: 0)
    let shutdown = admit(&p, "SHUTDOWN", "NOSAVE")
    #expect(!p.wantsInput(now: 0, backlog: 0), "nothing goes on a connection about to close")
    p.closed(shutdown, now: 0)
    #expect(drain(&p) == ["closed"])
    #expect(p.wantsInput(now: 0, backlog: 0))
    // The next command finds no server: reported, not a failure of the run (as redis-cli).
    let ping = admit(&p, "PING")
    p.failedCommand(ping, .serverShutDown(why: "Could not connect"), now: 0)
    #expect(drain(&p) == ["failed"])
    p.endOfInput()
    #expect(p.isFinished(now: 0) && p.status == 0)
}

@Test func unsentBytesWindowFollowsTheTransportsBacklog() {
    let p = Pipeline(Pipeline.Settings(window: .unsentBytes(256 * 1024)), now: 0)
    #expect(p.wantsInput(now: 0, backlog: 1000))
    #expect(!p.wantsInput(now: 0, backlog: 256 * 1024))
}

@Test func repliesThatArriveOutOfOrderAreDeliveredInInputOrder() {
    var p = Pipeline(Pipeline.Settings(window: .commands(100)), now: 0)
    let a = admit(&p, "get", "a")
    p.admitMessage(Array("note".utf8), now: 0)
    let b = admit(&p, "get", "b")
    let c = admit(&p, "get", "c")
    p.replied(c, .bulkString(Array("C".utf8)), origin: nil, now: 0)
    p.replied(b, .bulkString(Array("B".utf8)), origin: nil, now: 0)
    #expect(drain(&p).isEmpty, "the first command is still waiting")
    #expect(!p.streams(b), "only the head streams")
    p.replied(a, .bulkString(Array("A".utf8)), origin: nil, now: 0)
    #expect(drain(&p) == ["A", "message:note", "B", "C"])
    #expect(p.isSettled)
    p.endOfInput()
    #expect(p.isFinished(now: 0))
    #expect(p.status == 0)
}

@Test func aStreamedReplyGoesStraightThroughOnlyAtTheHead() {
    var p = Pipeline(Pipeline.Settings(window: .commands(10)), now: 0)
    p.admitMessage(Array("before".utf8), now: 0)
    let a = admit(&p, "lrange", "l", "0", "-1")
    #expect(!p.streams(a), "a message before it is delivered first")
    #expect(drain(&p) == ["message:before"])
    #expect(p.streams(a))
    p.streamed(a, isError: false, now: 0)
    #expect(drain(&p) == ["streamed"])
}

@Test func connectAndRedirectsAreBarriers() {
    var p = Pipeline(Pipeline.Settings(window: .commands(100)), now: 0)
    let a = admit(&p, "set", "k", "1")
    p.admitConnect(host: "h", port: 1, now: 0)
    #expect(!p.wantsInput(now: 0, backlog: 0), "nothing is read past connect until it is done")
    p.replied(a, ok(), origin: nil, now: 0)
    _ = drain(&p)
    #expect(p.wantsInput(now: 0, backlog: 0))
    let b = admit(&p, "get", "k")
    let c = admit(&p, "get", "other")
    p.rerouted(b)
    #expect(!p.wantsInput(now: 0, backlog: 0), "after a redirect, later commands wait until all sent so far settle")
    p.replied(c, ok(), origin: nil, now: 0)
    #expect(!p.wantsInput(now: 0, backlog: 0))
    p.replied(b, ok(), origin: nil, now: 0)
    _ = drain(&p)
    #expect(p.wantsInput(now: 0, backlog: 0))
}

@Test func exitOnErrorStopsAtTheFirstErrorReply() {
    var settings = Pipeline.Settings(window: .commands(1))
    settings.exitOnError = true
    var p = Pipeline(settings, now: 0)
    let a = admit(&p, "bogus")
    p.replied(a, .error(Array("ERR unknown".utf8)), origin: nil, now: 0)
    #expect(drain(&p) == ["ERR unknown"])
    #expect(p.stop == .errorReply)
    #expect(!p.wantsInput(now: 0, backlog: 0))
    #expect(p.isFinished(now: 0))
    #expect(p.status == 1)
}

@Test func intervalPausesBetweenRepliesAndBeforeTheEnd() {
    var settings = Pipeline.Settings(window: .commands(1))
    settings.interval = 0.5
    var p = Pipeline(settings, now: 0)
    let a = admit(&p, "ping")
    p.replied(a, .simpleString(Array("PONG".utf8)), origin: nil, now: 1)
    _ = drain(&p, now: 1)
    #expect(!p.wantsInput(now: 1.2, backlog: 0), "paused for -i")
    #expect(p.nextDeadline(now: 1.2) == 1.5)
    #expect(p.wantsInput(now: 1.5, backlog: 0))
    p.endOfInput()
    #expect(!p.isFinished(now: 1.2), "the last pause is served too, as redis-cli does")
    #expect(p.isFinished(now: 1.6))
}

@Test func pipeTimeoutGivesUpAfterInputEnds() {
    var settings = Pipeline.Settings(window: .unsentBytes(1024))
    settings.ordered = false
    settings.errorsFail = true
    settings.replyTimeoutAfterInput = 2
    var p = Pipeline(settings, now: 0)
    let chunk = p.admit(nil, args: [], replies: 3, now: 0)
    p.streamed(chunk, isError: false, now: 1)
    p.streamed(chunk, isError: true, now: 1)
    #expect(p.replies == 2 && p.errors == 1 && p.outstanding == 1)
    #expect(p.nextDeadline(now: 1) == nil, "no timeout while input may still come")
    p.endOfInput()
    #expect(p.nextDeadline(now: 1.5) == 3, "measured from the last reply, as redis-cli does")
    p.tick(now: 2.9)
    #expect(p.stop == nil)
    p.tick(now: 3.1)
    #expect(p.stop == .noReplies(seconds: 2))
    #expect(p.status == 1)
}

@Test func unorderedRunsCountRepliesErrorsAndLostCommands() {
    var settings = Pipeline.Settings(window: .unsentBytes(1024))
    settings.ordered = false
    settings.errorsFail = true
    var p = Pipeline(settings, now: 0)
    let chunk = p.admit(nil, args: [], replies: 4, now: 0)
    p.replied(chunk, ok(), origin: nil, now: 0)
    p.failedCommand(chunk, .noConnection, now: 0)
    p.lost(2)
    #expect(p.replies == 2 && p.errors == 3 && p.outstanding == 0)
    p.endOfInput()
    #expect(p.isFinished(now: 0))
    #expect(p.status == 1)
}

@Test func interruptEndsTheRunWith130() {
    var p = Pipeline(Pipeline.Settings(window: .commands(1)), now: 0)
    _ = admit(&p, "blpop", "q", "0")
    p.interrupt()
    #expect(p.isFinished(now: 0))
    #expect(p.nextDelivery() == nil)
    #expect(p.status == 130)
}

@Test func whenNothingCanAnswerEveryWaitingCommandFails() {
    var p = Pipeline(Pipeline.Settings(window: .commands(10)), now: 0)
    _ = admit(&p, "get", "a")
    let b = admit(&p, "get", "b")
    p.replied(b, ok(), origin: nil, now: 0)
    p.abandonAll(.noConnection)
    #expect(drain(&p) == ["failed", "OK"])
    #expect(p.status == 1)
}

@Test func aStreamingCommandStopsInputAndKeepsTheRunAlive() {
    var p = Pipeline(Pipeline.Settings(window: .commands(10)), now: 0)
    let a = admit(&p, "subscribe", "ch")
    #expect(!p.wantsInput(now: 0, backlog: 0))
    #expect(p.streamMessage(.bulkString([1])) == nil, "a message before the reply is kept")
    p.replied(a, ok(), origin: nil, now: 0)
    _ = drain(&p)
    #expect(p.streaming)
    #expect(p.takeStreamMessages() == [.bulkString([1])])
    p.endOfInput()
    #expect(!p.isFinished(now: 0), "messages keep coming until Ctrl-C")
}

// MARK: the per-connection queue

@Test func aLostConnectionSplitsWhatNeverLeftFromWhatMayHaveRun() {
    var q = LinkQueue<Int>()
    q.append(InFlight(tag: 1, start: 0), now: 0)
    q.append(InFlight(tag: 2, start: 10), now: 0)
    q.append(InFlight(tag: 3, start: 20), now: 0)
    let lost = q.lose(written: 15)
    #expect(lost.unknown.map(\.tag) == [1, 2], "written, at least in part: may or may not have run")
    #expect(lost.unsent.map(\.tag) == [3], "never written: safe to send elsewhere")
    #expect(q.isEmpty)
}

@Test func replyDeadlinesSkipBlockingHeadsAndStreams() {
    var q = LinkQueue<Int>()
    #expect(q.deadline(replyTimeout: 5) == nil, "owes nothing")
    q.append(InFlight(tag: 1, start: 0, blocking: true), now: 10)
    q.append(InFlight(tag: 2, start: 5), now: 11)
    #expect(q.deadline(replyTimeout: 5) == nil, "BLPOP at the head may wait")
    _ = q.answered(now: 12)
    #expect(q.deadline(replyTimeout: 5) == 17, "progress at 12, then 5 s")
    #expect(q.deadline(replyTimeout: nil) == nil)
    q.streaming = true
    #expect(q.deadline(replyTimeout: 5) == nil, "a subscription owes nothing on time")
}

@Test func aChunkCompletesWithItsLastReply() {
    var q = LinkQueue<Int>()
    q.append(InFlight(tag: 7, start: 0, replies: 3), now: 0)
    #expect(q.answered(now: 1)?.complete == false)
    #expect(q.answered(now: 2)?.complete == false)
    #expect(q.answered(now: 3)?.complete == true)
    #expect(q.answered(now: 4) == nil)
}

@Test func aRefusedSubscribeLetsTheScriptGoOn() {
    var p = Pipeline(Pipeline.Settings(window: .commands(10)), now: 0)
    let a = admit(&p, "subscribe", "ch")
    #expect(!p.wantsInput(now: 0, backlog: 0), "nothing is sent after SUBSCRIBE until it is answered")
    p.replied(a, .error(Array("NOPERM no permission".utf8)), origin: nil, now: 0)
    #expect(drain(&p) == ["NOPERM no permission"])
    #expect(!p.streaming)
    #expect(p.wantsInput(now: 0, backlog: 0), "refused: nothing streams, the next line is read")
}

@Test func countingRunsKeepReadingAfterARedirect() {
    var settings = Pipeline.Settings(window: .unsentBytes(1024))
    settings.ordered = false
    var p = Pipeline(settings, now: 0)
    let chunk = p.admit(nil, args: [], replies: 2, now: 0)
    p.rerouted(chunk)
    #expect(p.wantsInput(now: 0, backlog: 0), "--pipe has no order to keep")
}

@Test func whatComesAfterTheLastReplyIsNotForTheRun() {
    // One-shot and scripts stop reading at their last reply (redis-cli does): a push behind it
    // is not drained, but a streaming command keeps the run reading, and so does input to come.
    var p = Pipeline(Pipeline.Settings(window: .commands(1000)), now: 0)
    let id = admit(&p, "debug", "protocol", "push")
    #expect(!p.owesNothing, "input may still come")
    p.endOfInput()
    #expect(!p.owesNothing, "the reply is owed")
    p.replied(id, ok(), origin: nil, now: 0)
    #expect(p.owesNothing, "settled, before it is even delivered")
    _ = drain(&p)
    #expect(p.owesNothing)

    var s = Pipeline(Pipeline.Settings(window: .commands(1000)), now: 0)
    let sub = admit(&s, "subscribe", "ch")
    s.replied(sub, ok(), origin: nil, now: 0)
    #expect(!s.owesNothing, "SUBSCRIBE streams: messages are the run's")
    _ = drain(&s)
    #expect(!s.owesNothing)
}

@Test func aSubscribedPipedSessionWaitsForMessagesPastTheEndOfInput() {
    // The piped session (rcli < script): SUBSCRIBE does not stop input (the engine clears its
    // streaming trait); at the end of input a subscribed connection keeps the run going.
    var settings = Pipeline.Settings(window: .commands(1000))
    settings.subscriptions = .keepInputAndWait
    var p = Pipeline(settings, now: 0)
    let args = [Array("subscribe".utf8), Array("ch".utf8)]
    var traits = CommandTraits(args)
    traits.streaming = false
    let sub = p.admit(traits, args: args, now: 0)
    #expect(p.wantsInput(now: 0, backlog: 0), "the script goes on")
    p.replied(sub, ok(), origin: nil, now: 0)
    _ = drain(&p)
    p.subscribed = true
    p.endOfInput()
    #expect(p.waitsForMessages)
    #expect(!p.owesNothing, "messages are the run's")
    #expect(!p.isFinished(now: 0))
    p.subscribed = false
    #expect(p.owesNothing && p.isFinished(now: 0), "the last UNSUBSCRIBE (or Ctrl-C) lets it end")

    // `quit` ends it even while subscribed, as redis-cli exits there.
    var q = Pipeline(settings, now: 0)
    q.subscribed = true
    q.quit()
    #expect(!q.waitsForMessages && q.isFinished(now: 0))

    // Without the setting (the shell's per-line runs) the subscription never holds a run.
    var r = Pipeline(Pipeline.Settings(window: .commands(1)), now: 0)
    r.subscribed = true
    r.endOfInput()
    #expect(!r.waitsForMessages && r.isFinished(now: 0))
}

@Test func aMessageWaitsForTheRepliesThatCameBeforeIt() {
    // In a cluster a node's confirmation can be held behind another node's slow reply: the
    // message that node sends next waits for it, so it never prints before its confirmation.
    var p = Pipeline(Pipeline.Settings(window: .commands(1000)), now: 0)
    let get = admit(&p, "get", "k")
    let args = [Array("subscribe".utf8), Array("ch".utf8)]
    var traits = CommandTraits(args)
    traits.streaming = false
    let sub = p.admit(traits, args: args, now: 0)
    p.replied(sub, .simpleString(Array("subscribed".utf8)), origin: nil, now: 0)
    let first = RESPValue.array(["message", "ch", "one"].map { .bulkString(Array($0.utf8)) })
    let second = RESPValue.array(["message", "ch", "two"].map { .bulkString(Array($0.utf8)) })
    #expect(p.message(first) == nil, "its confirmation has not been printed")
    #expect(p.message(second) == nil, "messages keep their order")
    #expect(p.takeStreamMessages().isEmpty)
    p.replied(get, ok(), origin: nil, now: 0)
    #expect(drain(&p) == ["OK", "subscribed"])
    #expect(p.takeStreamMessages() == [first, second])
    // On one connection the replies before a message are delivered by the time it is read: it
    // prints at once, ahead of the reply still owed after it.
    _ = admit(&p, "ping")
    #expect(p.message(first) == first)
}
