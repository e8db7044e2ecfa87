import Testing

@testable import RESP

/// Inputs the fuzz targets (Fuzz/) found failing; each is also in the target's seed corpus
/// (Fuzz/corpus), which every `make fuzz` run replays first.
@Suite struct FuzzRegressionTests {
    /// Every event and the error, feeding `input` in pieces of `chunk` bytes.
    static func outcome(_ input: [UInt8], chunk: Int, limits: RESPLimits) -> ([RESPEvent], RESPProtocolError?) {
        var parser = RESPParser(limits: limits)
        var events: [RESPEvent] = []
        var i = 0
        while i < input.count {
            parser.append(input[i..<min(input.count, i + chunk)])
            i += chunk
            do {
                while let e = try parser.next() { events.append(e) }
            } catch let e as RESPProtocolError {
                return (events, e)
            } catch {
                return (events, nil)
            }
        }
        return (events, nil)
    }

    @Test func anEmptyLineIsAProtocolErrorNotATrap() {
        // "\r\n" where a reply starts used to index past the line and stop the process.
        for input in ["\r\n", ":1\r\n\r\n", "*2\r\n:1\r\n\r\n"] {
            let (_, error) = Self.outcome(Array(input.utf8), chunk: 1 << 20, limits: RESPLimits())
            #expect(error == .unknownType(13), "\(input.debugDescription)")
        }
    }

    @Test func theLineLimitHoldsHoweverTheLineArrives() {
        // A line over the limit was accepted when it came in one read and refused when it came
        // in pieces; now both refuse it, and a line at the limit passes both ways.
        let limits = RESPLimits(maxLineLength: 8)
        let long = Array("-ERR unknown command\r\n".utf8)
        let atLimit = Array("+1234567\r\n".utf8) // 8 bytes with the type byte
        for chunk in [1, 2, 3, 1 << 20] {
            #expect(Self.outcome(long, chunk: chunk, limits: limits).1 == .lineTooLong(limit: 8), "chunk \(chunk)")
            let ok = Self.outcome(atLimit, chunk: chunk, limits: limits)
            #expect(ok.1 == nil && ok.0 == [.scalar(.simpleString(Array("1234567".utf8)))], "chunk \(chunk)")
        }
    }
}
