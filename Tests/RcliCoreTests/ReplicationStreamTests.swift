import Testing

@testable import RcliCore

/// ReplicationStream without a socket (Fuzz/Replication fuzzes it; these pin the cases down).
@Suite struct ReplicationStreamTests {
    /// Feeds `input` in pieces of `chunk` bytes; returns the events and what followed the payload.
    static func run(_ input: String, chunk: Int) throws(ReplicationStream.Failure) -> (
        [ReplicationStream.Event], [UInt8]
    ) {
        let bytes = Array(input.utf8)
        var stream = ReplicationStream()
        var events: [ReplicationStream.Event] = []
        var after: [UInt8] = []
        var i = 0
        while i < bytes.count {
            var rest = bytes[i..<min(bytes.count, i + chunk)]
            i += chunk
            while !rest.isEmpty && !stream.isFinished {
                let step = try stream.feed(rest)
                events += step.events
                rest = step.rest
            }
            after += rest
        }
        // Adjacent payload pieces joined, so every chunk size reads the same.
        var joined: [ReplicationStream.Event] = []
        for e in events {
            if case .payload(let b) = e, case .payload(let a)? = joined.last {
                joined[joined.count - 1] = .payload(a + b)
            } else {
                joined.append(e)
            }
        }
        return (joined, after)
    }

    @Test func lengthPrefixedPayloadAfterKeepaliveNewlines() throws {
        for chunk in [1, 2, 5, 100] {
            let (events, after) = try Self.run("\n\r\n\n$5\r\nREDIS*1\r\n$4\r\nPING\r\n", chunk: chunk)
            #expect(events == [.header(.length(5)), .payload(Array("REDIS".utf8)), .end], "chunk \(chunk)")
            #expect(after == Array("*1\r\n$4\r\nPING\r\n".utf8), "chunk \(chunk)")
        }
    }

    @Test func eofMarkSplitAcrossReads() throws {
        let mark = String(repeating: "ab", count: 20)
        for chunk in [1, 3, 39, 41, 1000] {
            let (events, after) = try Self.run("$EOF:\(mark)\r\nREDIS0010xyz\(mark)+OK\r\n", chunk: chunk)
            #expect(events == [.header(.eofMark(Array(mark.utf8))), .payload(Array("REDIS0010xyz".utf8)), .end])
            #expect(after == Array("+OK\r\n".utf8), "chunk \(chunk)")
        }
    }

    @Test func emptyPayloadEndsAtTheHeader() throws {
        #expect(try Self.run("$0\r\n+OK\r\n", chunk: 2).0 == [.header(.length(0)), .end])
    }

    @Test func badHeadersAreRefusedWithTheLine() {
        #expect(throws: ReplicationStream.Failure.refused(Array("-ERR no".utf8))) {
            try Self.run("-ERR no\r\n", chunk: 3)
        }
        #expect(throws: ReplicationStream.Failure.badLength(Array("$-1".utf8))) { try Self.run("$-1\r\n", chunk: 3) }
        #expect(throws: ReplicationStream.Failure.badEOFMark(Array("$EOF:abc".utf8))) {
            try Self.run("$EOF:abc\r\n", chunk: 1)
        }
        #expect(throws: ReplicationStream.Failure.unexpected(Array("+OK".utf8))) { try Self.run("+OK\r\n", chunk: 1) }
        #expect(throws: ReplicationStream.Failure.headerTooLong) {
            try Self.run(String(repeating: "x", count: 2000), chunk: 7)
        }
    }
}
