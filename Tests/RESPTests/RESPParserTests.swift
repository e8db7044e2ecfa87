import Testing

@testable import RESP

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Parses `input` fed in chunks of `chunk` bytes; returns every complete value.
private func parseAll(_ input: [UInt8], chunk: Int, limits: RESPLimits = RESPLimits()) throws -> [RESPValue] {
    var parser = RESPParser(limits: limits)
    var values: [RESPValue] = []
    var i = 0
    repeat {
        let end = min(input.count, i + chunk)
        parser.append(input[i..<end])
        i = end
        while let v = try parser.nextValue() { values.append(v) }
    } while i < input.count
    #expect(parser.isAtReplyBoundary)
    return values
}

private let samples: [(String, RESPValue)] = [
    ("+OK\r\n", .simpleString(bytes("OK"))),
    ("-ERR bad thing\r\n", .error(bytes("ERR bad thing"))),
    (":-42\r\n", .integer(-42)),
    (":9223372036854775807\r\n", .integer(Int64.max)),
    ("$5\r\nhe\r\no\r\n", .bulkString(bytes("he\r\no"))),
    ("$0\r\n\r\n", .bulkString([])),
    ("$-1\r\n", .null),
    ("*-1\r\n", .null),
    ("_\r\n", .null),
    (",3.14\r\n", .double(bytes("3.14"))),
    (",-inf\r\n", .double(bytes("-inf"))),
    ("#t\r\n", .boolean(true)),
    ("(12345678901234567890123\r\n", .bigNumber(bytes("12345678901234567890123"))),
    ("=15\r\ntxt:Some string\r\n", .verbatim(format: bytes("txt"), text: bytes("Some string"))),
    ("!8\r\nSYNTAX x\r\n", .error(bytes("SYNTAX x"))),
    ("*0\r\n", .array([])),
    (
        "*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n*0\r\n",
        .array([.integer(1), .array([.simpleString(bytes("a")), .bulkString(bytes("b"))]), .array([])])
    ),
    ("~2\r\n:1\r\n:2\r\n", .set([.integer(1), .integer(2)])),
    (
        "%2\r\n+k\r\n:1\r\n+j\r\n%0\r\n",
        .map([.simpleString(bytes("k")), .integer(1), .simpleString(bytes("j")), .map([])])
    ),
    (">2\r\n+message\r\n$2\r\nhi\r\n", .push([.simpleString(bytes("message")), .bulkString(bytes("hi"))])),
    ("|1\r\n+ttl\r\n:3600\r\n+after\r\n", .simpleString(bytes("after"))),
    ("*2\r\n|1\r\n+a\r\n*1\r\n:1\r\n:7\r\n:8\r\n", .array([.integer(7), .integer(8)])),
]

@Test("every RESP2/RESP3 type parses from whole frames", arguments: samples.indices)
func wholeFrames(_ i: Int) throws {
    #expect(try parseAll(bytes(samples[i].0), chunk: 1 << 20) == [samples[i].1])
}

@Test("every type parses when fed one byte at a time", arguments: samples.indices)
func byteAtATime(_ i: Int) throws {
    #expect(try parseAll(bytes(samples[i].0), chunk: 1) == [samples[i].1])
}

@Test func manyFramesConcatenated() throws {
    let input = samples.map(\.0).joined()
    for chunk in [1, 2, 3, 7, 64, 1 << 20] {
        #expect(try parseAll(bytes(input), chunk: chunk) == samples.map(\.1))
    }
}

@Test func eventsStreamAnArrayElementByElement() throws {
    var parser = RESPParser()
    parser.append(bytes("*3\r\n$1\r\na\r\n$1\r\nb\r\n"))
    #expect(try parser.next() == .begin(.array, count: 3))
    #expect(try parser.next() == .scalar(.bulkString(bytes("a"))))
    #expect(try parser.next() == .scalar(.bulkString(bytes("b"))))
    #expect(try parser.next() == nil)
    parser.append(bytes("$1\r\nc\r\n"))
    #expect(try parser.next() == .scalar(.bulkString(bytes("c"))))
    #expect(try parser.next() == .end(.array))
    #expect(parser.isAtReplyBoundary)
}

@Test func largeBulkAcrossManyAppends() throws {
    let payload = [UInt8](repeating: 0x61, count: 300_000)
    let input = bytes("$300000\r\n") + payload + bytes("\r\n")
    #expect(try parseAll(input, chunk: 4096) == [.bulkString(payload)])
}

@Test func fillReadsStraightIntoTheBuffer() throws {
    var parser = RESPParser()
    let frame = bytes("+PONG\r\n")
    let n = parser.fill { buf in
        for (i, b) in frame.enumerated() { buf[i] = b }
        return frame.count
    }
    #expect(n == frame.count)
    #expect(try parser.nextValue() == .simpleString(bytes("PONG")))
}

private let garbage: [(String, RESPProtocolError)] = [
    ("?x\r\n", .unknownType(UInt8(ascii: "?"))),
    ("\u{1b}[2J\r\n", .unknownType(0x1b)),
    ("$-5\r\n", .invalidLength("-5")),
    ("$abc\r\n", .invalidLength("abc")),
    ("$99999999999999\r\n", .bulkTooLarge(99_999_999_999_999, limit: 512 * 1024 * 1024)),
    ("*99999999999\r\n", .aggregateTooLarge(99_999_999_999, limit: Int(Int32.max))),
    ("*-2\r\n", .invalidLength("-2")),
    (":12a\r\n", .invalidInteger("12a")),
    (":99999999999999999999\r\n", .invalidInteger("99999999999999999999")),
    (":\r\n", .invalidInteger("")),
    ("#x\r\n", .invalidBoolean("x")),
    (",abc\r\n", .invalidDouble("abc")),
    ("(12x\r\n", .invalidBigNumber("12x")),
    ("$3\r\nabcXY", .missingCRLF),
    ("=2\r\nab\r\n", .invalidVerbatim),
    ("_x\r\n", .invalidLength("x")),
]

@Test("garbage is a protocol error, never a crash", arguments: garbage.indices)
func garbageIsRejected(_ i: Int) {
    #expect(throws: garbage[i].1) { _ = try parseAll(bytes(garbage[i].0), chunk: 1 << 20) }
}

@Test func deepNestingIsBounded() {
    let input = String(repeating: "*1\r\n", count: 10_000) + ":1\r\n"
    #expect(throws: RESPProtocolError.tooDeep(limit: 512)) { _ = try parseAll(bytes(input), chunk: 1 << 20) }
    // Within the limit it parses.
    let ok = String(repeating: "*1\r\n", count: 100) + ":1\r\n"
    #expect((try? parseAll(bytes(ok), chunk: 3))?.count == 1)
}

@Test func endlessLineIsBounded() {
    let limits = RESPLimits(maxLineLength: 1000)
    let input = "+" + String(repeating: "a", count: 5000)
    #expect(throws: RESPProtocolError.lineTooLong(limit: 1000)) {
        var parser = RESPParser(limits: limits)
        parser.append(bytes(input))
        _ = try parser.next()
    }
}

@Test func hugeAnnouncedCountAllocatesNothingUpFront() throws {
    var parser = RESPParser()
    parser.append(bytes("*2000000000\r\n:1\r\n"))
    #expect(try parser.next() == .begin(.array, count: 2_000_000_000))
    #expect(try parser.next() == .scalar(.integer(1)))
    #expect(try parser.next() == nil)
    #expect(try parser.nextValue() == nil)
}

@Test func encoderWritesBulkArrays() {
    #expect(
        RESPEncoder.encode([bytes("SET"), bytes("k"), [0, 13, 10]]) == bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n") + [
            0, 13, 10,
        ] + bytes("\r\n"))
    var out: [UInt8] = []
    RESPEncoder.appendDecimal(-1_234_567_890, to: &out)
    #expect(out == bytes("-1234567890"))
}

@Test func replayingAValueGivesTheParsersEvents() throws {
    let text = "*2\r\n%1\r\n+k\r\n~1\r\n:1\r\n$1\r\nx\r\n"
    var parser = RESPParser()
    parser.append(bytes(text))
    var parsed: [RESPEvent] = []
    while let e = try parser.next() { parsed.append(e) }
    var value = RESPParser()
    value.append(bytes(text))
    var replayed: [RESPEvent] = []
    try #require(try value.nextValue()).forEachEvent { replayed.append($0) }
    #expect(parsed == replayed)
}
