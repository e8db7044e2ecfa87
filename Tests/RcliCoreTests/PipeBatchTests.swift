import Cluster
import Testing

@testable import RcliCore

/// `--pipe -c`'s batches: many requests behind one queue entry, each still its own when it
/// must be sent again.
@Suite struct PipeBatchTests {
    private static func request(_ key: String) -> [UInt8] {
        Array("*3\r\n$3\r\nSET\r\n$\(key.utf8.count)\r\n\(key)\r\n$1\r\nv\r\n".utf8)
    }

    @Test func aBatchOwesAReplyPerRequestAndKeepsItsPlaceInTheQueue() {
        var q = LinkQueue<String>()
        q.append(InFlight(tag: "batch", start: 0), now: 0)
        let mark = q.appended
        q.owesOneMore()
        q.owesOneMore()
        #expect(q.appended == mark, "adding to the batch appends nothing")
        q.append(InFlight(tag: "after", start: 30), now: 0)
        #expect(q.appended == mark + 1, "something queued after the batch closes it")
        #expect(q.answered(now: 1)?.complete == false)
        #expect(q.answered(now: 1)?.complete == false)
        let last = q.answered(now: 1)
        #expect(last?.complete == true && last?.tag == "batch", "the third reply completes it")
        #expect(q.headFacts?.tag == "after")
    }

    @Test func whatALostConnectionLeavesIsSplitPerRequest() {
        let requests = ["a", "bb", "ccc"].map(Self.request)
        let chunk = requests.joined().map { $0 }
        let batch = PipeBatch(chunk: chunk, streamStart: 100)
        var start = 0
        for r in requests {
            batch.append(start..<(start + r.count))
            start += r.count
        }
        #expect(batch.count == 3)
        #expect(Array(batch.request(1)) == requests[1])
        batch.answered = 1
        // Requests 1 and 2 start at 100 + 27 and 100 + 27 + 28: 130 bytes written cover the first.
        let owed = batch.unanswered(written: 130)
        #expect(owed.map(\.index) == [1, 2])
        #expect(owed.map(\.written) == [true, false], "request 2 never left: safe to send elsewhere")
        #expect(batch.unanswered(written: 100).map(\.written) == [false, false])
        var routing = PipeRouting()
        let target = RouteTarget(node: NodeAddress(host: "127.0.0.1", port: 7000), replica: false, asking: false)
        let alone = batch.command(at: 2, id: 9, target: target, routing: &routing)
        #expect(alone.raw.map(Array.init) == requests[2] && alone.id == 9 && alone.target == target)
        #expect(alone.route.slot == HashSlot.slot(Array("ccc".utf8)))
    }
}
