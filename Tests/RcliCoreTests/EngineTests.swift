import Cluster
import RESP
import RedisNet
import Testing

@testable import RcliCore

/// A transport without sockets: it answers what it was sent, either one event at a time in
/// order (as one server does) or with whole values in reverse order and a redirect first (as a
/// cluster may), and records how many commands were ever in flight at once.
private final class FakeTransport: Transport {
    enum Style { case streamingInOrder, wholeValuesOutOfOrder }
    let style: Style
    var sent: [(EntryID, [[UInt8]])] = []
    var pending: [TransportEvent] = []
    var inFlight = 0
    var mostInFlight = 0
    var rerouted: Set<EntryID> = []

    init(_ style: Style) { self.style = style }

    func open() -> RcliError? { nil }
    func submit(_ id: EntryID, _ command: Outbound, now: Double) {
        sent.append((id, command.args))
        inFlight += 1
        mostInFlight = max(mostInFlight, inFlight)
    }
    /// Answers everything sent so far.
    func service(now: Double) {
        var batch = sent.filter { id, _ in
            !pending.contains {
                if case .replyEvent(id, _, _) = $0 { true } else if case .reply(id, _, _) = $0 { true } else { false }
            }
        }
        sent.removeAll()
        if style == .wholeValuesOutOfOrder { batch.reverse() }
        for (id, args) in batch {
            let word = String(decoding: args.last ?? [], as: UTF8.self)
            switch style {
            case .streamingInOrder:
                pending.append(.replyEvent(id, .begin(.array, count: 2), last: false))
                pending.append(.replyEvent(id, .scalar(.bulkString(Array(word.utf8))), last: false))
                pending.append(.replyEvent(id, .scalar(.integer(Int64(id))), last: false))
                pending.append(.replyEvent(id, .end(.array), last: true))
            case .wholeValuesOutOfOrder:
                if word.hasPrefix("moved"), !rerouted.contains(id) {
                    rerouted.insert(id)
                    pending.append(.rerouted(id, .moved(slot: 1, node: NodeAddress(host: "b", port: 2))))
                    sent.append((id, args))
                    continue
                }
                pending.append(
                    word == "fail"
                        ? .failed(id, .noConnection, node: nil)
                        : .reply(id, .bulkString(Array(word.utf8)), origin: nil))
            }
            inFlight -= 1
        }
    }
    func nextEvent(now: Double) -> TransportEvent? { pending.isEmpty ? nil : pending.removeFirst() }
    func prepareWait(_ reactor: Reactor, now: Double) -> Double? { sent.isEmpty && pending.isEmpty ? nil : now }
    func handle(_ ready: ReadySet, now: Double) {}
    var isIdle: Bool { sent.isEmpty && pending.isEmpty }
    var backlog: Int { 0 }
    var holdsInput: Bool { false }
    func retarget(host: String, port: Int) -> RcliError? { .notACluster(.tcp(host: host, port: port)) }
    func commandSucceeded(_ traits: CommandTraits, args: [[UInt8]], origin: ReplyOrigin?) {}
    var subscribed: Bool { false }
    func interrupt() {}
    func beginRun() {}
    func endRun(completed: Bool) {}
    var separatesMessages: Bool { false }
}

/// Runs `lines` through an engine over `transport`; what reached stdout and stderr.
private func run(
    _ lines: [String], on transport: FakeTransport, window: Int = 1000,
    exitOnError: Bool = false
) -> (out: String, err: String, status: Int32) {
    let dir = "/tmp/rcli-engine-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let outFD = Platform.open(dir + ".out", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let errFD = Platform.open(dir + ".err", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    defer {
        close(outFD)
        close(errFD)
        unlink(dir + ".out")
        unlink(dir + ".err")
    }
    let out = OutputSink(fd: outFD)
    let err = OutputSink(fd: errFD)
    var style = PrintingSink.Style(format: .raw, showPushes: false)
    style.exitOnError = exitOnError
    var settings = Pipeline.Settings(window: .commands(window))
    settings.exitOnError = exitOnError
    let engine = Engine(transport: transport, sink: PrintingSink(style: style, out: out, err: err), settings: settings)
    let items = lines.flatMap { LineSource.repeatedItems(for: Array($0.utf8)[...]) }
    let status = engine.run(ItemSource(items))
    func read(_ fd: Int32) -> String {
        lseek(fd, 0, SEEK_SET)
        guard case .success(let bytes) = System.readAll(fd) else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }
    return (read(outFD), read(errFD), status)
}

@Test func anEngineOverAStreamingTransportPrintsEachReplyAsItComes() {
    let t = FakeTransport(.streamingInOrder)
    let r = run(["echo a", "echo b", "3 echo c"], on: t, window: 2)
    #expect(r.out == "a\n0\nb\n1\nc\n2\nc\n3\nc\n4\n")
    #expect(r.status == 0)
    #expect(t.mostInFlight <= 2, "the window holds")
}

@Test func anEngineOverAClusterLikeTransportRestoresInputOrder() {
    let t = FakeTransport(.wholeValuesOutOfOrder)
    let r = run(["echo one", "echo moved-two", "echo three", "echo fail", "echo five"], on: t)
    #expect(r.out == "one\nmoved-two\nthree\nfive\n", "in input order, whatever order the replies came in")
    #expect(r.err == "Error: no connection left to answer this command [ECHO]\n")
    #expect(r.status == 1, "a command without a reply fails the run")
}

@Test func anEngineStopsAtTheFirstErrorWithDashE() {
    let t = FakeTransport(.wholeValuesOutOfOrder)
    let r = run(["echo a", "echo fail", "echo never"], on: t, window: 1, exitOnError: true)
    #expect(r.out == "a\n")
    #expect(r.status == 1)
    #expect(!t.sent.contains { String(decoding: $0.1.last ?? [], as: UTF8.self) == "never" })
}

@Test func aConnectThatFailsIsReportedInOrder() {
    let t = FakeTransport(.wholeValuesOutOfOrder)
    let r = run(["echo a", "connect elsewhere 7000", "echo b"], on: t)
    #expect(r.out == "a\nb\n")
    #expect(r.err == "elsewhere:7000 is not a cluster node (cluster support disabled)\n")
}
