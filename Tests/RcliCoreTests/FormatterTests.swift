import RESP
import Testing

@testable import RcliCore

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

private func format(_ value: RESPValue, _ f: OutputFormat, d: String = "\n", reply: String = "\n") -> String {
    var out: [UInt8] = []
    Formatters.make(f, elementDelimiter: b(d), replyDelimiter: b(reply)).format(value, into: &out)
    return String(decoding: out, as: UTF8.self)
}

private let nested: RESPValue = .array([
    .integer(1), .array([.integer(2), .array([.integer(3), .bulkString(b("x"))]), .array([])]), .bulkString(b("y")),
    .array([]),
])

@Test func ttyNestedArraysMatchRedisCli() {
    #expect(
        format(nested, .tty) == """
            1) (integer) 1
            2) 1) (integer) 2
               2) 1) (integer) 3
                  2) "x"
               3) (empty array)
            3) "y"
            4) (empty array)

            """)
}

@Test func ttyIndexColumnIsRightAligned() {
    let items = (1...10).map { RESPValue.bulkString(b("v\($0)")) }
    let text = format(.array(items), .tty)
    #expect(text.hasPrefix(" 1) \"v1\"\n 2) \"v2\"\n"))
    #expect(text.hasSuffix("10) \"v10\"\n"))
}

@Test func ttyMapsSetsAndScalars() {
    #expect(
        format(.map([.integer(0), .boolean(false), .bulkString(b("k")), .null]), .tty)
            == "1# (integer) 0 => (false)\n2# \"k\" => (nil)\n")
    #expect(format(.set([.double(b("3.5"))]), .tty) == "1~ (double) 3.5\n")
    #expect(
        format(.map([.bulkString(b("a")), .map([.bulkString(b("b")), .integer(1)])]), .tty)
            == "1# \"a\" => 1# \"b\" => (integer) 1\n", "one entry on one line stays on the key's line")
    #expect(
        format(.map([.bulkString(b("a")), .map([.bulkString(b("b")), .array([.integer(1), .integer(2)])])]), .tty)
            == "1# \"a\" => \n   1# \"b\" => \n      1) (integer) 1\n      2) (integer) 2\n",
        "a value that spans lines breaks every level of its chain")
    #expect(format(.map([.bulkString(b("a")), .array([])]), .tty) == "1# \"a\" => (empty array)\n")
    #expect(format(.map([]), .tty) == "(empty hash)\n")
    #expect(format(.set([]), .tty) == "(empty set)\n")
    #expect(format(.bigNumber(b("123")), .tty) == "(big number) 123\n")
    #expect(format(.error(b("ERR x")), .tty) == "(error) ERR x\n")
    #expect(format(.verbatim(format: b("txt"), text: b("a\nb")), .tty) == "a\nb\n")
}

@Test func ttyNeverPassesControlBytes() {
    #expect(format(.simpleString([0x1b] + b("[2J")), .tty) == "\\x1b[2J\n")
    #expect(format(.error(b("ERR ") + [7]), .tty) == "(error) ERR \\x07\n")
    #expect(format(.bulkString([0, 10, 0x7f, 0xff, 0x22, 0x5c]), .tty) == "\"\\x00\\n\\x7f\\xff\\\"\\\\\"\n")
    #expect(format(.verbatim(format: b("txt"), text: b("ok\r\n") + [0x1b]), .tty) == "ok\r\n\\x1b\n")
}

@Test func rawJoinsWithDelimiters() {
    #expect(format(nested, .raw) == "1\n2\n3\nx\n\ny\n\n")
    #expect(format(.array([.bulkString(b("a")), .bulkString(b("b"))]), .raw, d: "X", reply: "Y") == "aXbY")
    #expect(format(.map([.integer(0), .boolean(true)]), .raw) == "0 (true)\n")
    #expect(format(.error(b("ERR x")), .raw) == "ERR x\n\n")
    #expect(format(.null, .raw) == "\n")
}

@Test func csvAndJSON() {
    #expect(format(nested, .csv) == "1,2,3,\"x\",,\"y\",\n")
    #expect(format(.error(b("ERR \"x\"")), .csv) == "ERROR,\"ERR \\\"x\\\"\"\n")
    #expect(format(nested, .json) == "[1,[2,[3,\"x\"],[]],\"y\",[]]\n")
    #expect(
        format(.map([.integer(0), .boolean(false), .null, .double(b("1.5"))]), .json) == "{\"0\":false,\"null\":1.5}\n")
    #expect(format(.map([.array([.integer(1)]), .integer(2)]), .json) == "{\"[1]\":2}\n")
    #expect(format(.bulkString([1, 0xc3, 0xa9, 0x22, 10]), .json) == "\"\\u0001é\\\"\\n\"\n")
    #expect(format(.bulkString([1, 0xc3, 0x5c]), .quotedJSON) == "\"\\\\x01\\\\xc3\\\\\\\\\"\n")
    #expect(format(.error(b("ERR x")), .json) == "error:\"ERR x\"\n")
}

@Test func streamingEqualsWholeValueFormatting() throws {
    // The same reply fed event by event must give the same bytes as formatting the whole value.
    let value: RESPValue = .array([.map([.bulkString(b("k")), .set([.integer(1), .array([])])]), .null, nested])
    for f in OutputFormat.allCases {
        let whole = format(value, f)
        var events: [RESPEvent] = []
        value.forEachEvent { events.append($0) }
        let formatter = Formatters.make(f)
        var out: [UInt8] = []
        var completions = 0
        for e in events { if formatter.feed(e, into: &out) { completions += 1 } }
        #expect(completions == 1)
        #expect(String(decoding: out, as: UTF8.self) == whole)
    }
}

/// Every format is asked for by an option of the table (a new format cannot be left out of it).
@Test func everyFormatHasItsOption() throws {
    for format in OutputFormat.allCases {
        let parsed = try OptionParser.parse([format.option, "ping"], environment: [:])
        #expect(parsed.config.outputFormat == format, "\(format.option)")
    }
}
