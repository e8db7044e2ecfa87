import RESP
import Testing

@testable import RcliCore

/// Where a shell line splits at `|` (`ShellPipeLine`), and what `peek` prints (`PeekCommand`,
/// `PeekReport`) for the replies it gets.
@Suite struct ShellPipeAndPeekTests {
    private func reading(_ line: String) -> ShellPipeLine { ShellPipeLine(Array(line.utf8)) }
    private func piped(_ command: String, _ shell: String) -> ShellPipeLine {
        .piped(command: Array(command.utf8), shell: shell)
    }

    @Test func anUnquotedBarWordSplitsTheLine() {
        #expect(reading("lrange l 0 -1 | grep x") == piped("lrange l 0 -1 ", "grep x"))
        #expect(reading("get doc | jq .") == piped("get doc ", "jq ."))
        #expect(reading("hgetall h | sort > h.txt") == piped("hgetall h ", "sort > h.txt"))
        // What follows is kept as typed, for /bin/sh's own quoting (a second `|` included).
        #expect(reading("get k   |   awk '{print $1}' | tr a b") == piped("get k   ", "awk '{print $1}' | tr a b"))
        #expect(reading("get k | tr -d \\\"") == piped("get k ", "tr -d \\\""))
        #expect(reading("3 incr n\t|\twc -l") == piped("3 incr n\t", "wc -l"))
        // The first bar word splits; a quoted argument before it stays whole.
        #expect(reading("set k \"a | b\" | cat") == piped("set k \"a | b\" ", "cat"))
        #expect(reading("set k 'it''s' | cat") == .plain, "invalid quoting before the bar: the usual error")
    }

    @Test func aQuotedOrEmbeddedBarStaysAnArgument() {
        for line in [
            "set k \"|\"", "set k '|'", "echo a|b", "echo |x", "echo x|", "echo ||", "set k \"|\" v", "echo \"\\x7c\"",
            "lpush l \"a\" '|' \"b\"", "", "   ", "get k",
        ] {
            #expect(reading(line) == .plain, "\(line)")
        }
        // The splitter sends the quoted bar as data.
        #expect(CommandLineSplitter.split(Array("set k \"|\"".utf8)) == [Array("set".utf8), [107], [124]])
    }

    @Test func aBarWithNothingOnOneSideIsAnErrorLine() {
        #expect(reading("get k |") == .missingShellCommand)
        #expect(reading("get k |    ") == .missingShellCommand)
        #expect(reading("| grep x") == .missingCommand)
        #expect(reading("   | grep x") == .missingCommand)
        #expect(reading("|") == .missingShellCommand)
        #expect(ShellPipeLine.missingShellCommand.problem?.hasPrefix("rcli: nothing after '|'") == true)
        #expect(ShellPipeLine.missingCommand.problem?.hasPrefix("rcli: nothing before '|'") == true)
        #expect(ShellPipeLine.plain.problem == nil)
    }

    @Test func numbersSizesAndDurationsAreHumanised() {
        #expect(PeekReport.grouped(0) == "0")
        #expect(PeekReport.grouped(999) == "999")
        #expect(PeekReport.grouped(1234) == "1,234")
        #expect(PeekReport.grouped(1_234_567) == "1,234,567")
        #expect(PeekReport.bytes(1) == "1 byte")
        #expect(PeekReport.bytes(1023) == "1,023 bytes")
        #expect(PeekReport.bytes(1024) == "1.0 KB")
        #expect(PeekReport.bytes(12_595) == "12.3 KB")
        #expect(PeekReport.bytes(5 * 1024 * 1024 + 300 * 1024) == "5.3 MB")
        #expect(PeekReport.duration(milliseconds: -1) == "none")
        #expect(PeekReport.duration(milliseconds: 750) == "750 ms")
        #expect(PeekReport.duration(milliseconds: 42_512) == "42.5 s")
        #expect(PeekReport.duration(milliseconds: 3_723_000) == "1h 2m 3s")
        #expect(PeekReport.duration(milliseconds: 59 * 60_000 + 49_999) == "59m 49s")
        #expect(PeekReport.duration(milliseconds: (3 * 86_400 + 4 * 3600 + 5) * 1000) == "3d 4h 0m 5s")
    }

    private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
    private func facts(_ type: String, encoding: String = "listpack", pttl: Int64 = -1, memory: Int64 = 100)
        -> [ReplyCollector.Result]
    {
        [
            .value(.simpleString(Array(type.utf8))), .value(bulk(encoding)), .value(.integer(pttl)),
            .value(.integer(memory)),
        ]
    }

    @Test func aListShowsItsFactsThenAHundredElementsAndTheRest() {
        let key = Array("l".utf8)
        #expect(
            PeekCommand.detailQueries(type: "list", key: key)?.last
                == ["LRANGE", "l", "0", "99"].map { Array($0.utf8) })
        let elements = (0..<100).map { bulk("e\($0)") }
        let text = PeekCommand.report(
            key: key, facts: facts("list", encoding: "quicklist", memory: 9000),
            details: [.value(.integer(1000)), .value(.array(elements))])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            Array(lines.prefix(7)) == [
                "type:     list", "encoding: quicklist", "ttl:      none", "memory:   8.8 KB",
                "length:   1,000 elements",
                "value:", "  1) \"e0\"",
            ])
        #expect(lines.contains("100) \"e99\""))
        #expect(lines.suffix(2) == ["... 900 more elements", ""])
    }

    @Test func aLongStringShowsFourKilobytesAndTheSizeOfTheRest() {
        let shown = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
        let text = PeekCommand.report(
            key: [107], facts: facts("string", encoding: "raw", pttl: 90_000, memory: 16_500),
            details: [.value(.integer(4096 + 12_595)), .value(.bulkString(shown))])
        #expect(text.hasPrefix("type:     string\nencoding: raw\nttl:      1m 30s\nmemory:   16.1 KB\n"))
        #expect(text.contains("length:   16,691 bytes\nvalue:\n\"aaaa"))
        #expect(text.hasSuffix("aaa\"\n... 12.3 KB more\n"))
        // A short one has no last line.
        let short = PeekCommand.report(
            key: [107], facts: facts("string", encoding: "embstr"), details: [.value(.integer(2)), .value(bulk("hi"))])
        #expect(short.hasSuffix("length:   2 bytes\nvalue:\n\"hi\"\n"))
    }

    @Test func aHashAndAZsetShowPairsInBothProtocols() {
        let scan: RESPValue = .array([bulk("0"), .array([bulk("f1"), bulk("v1"), bulk("f2"), bulk("v2")])])
        let hash = PeekCommand.report(
            key: [104], facts: facts("hash"), details: [.value(.integer(2)), .value(scan)])
        #expect(hash.hasSuffix("length:   2 fields\nvalue:\n1# \"f1\" => \"v1\"\n2# \"f2\" => \"v2\"\n"))
        let resp2: RESPValue = .array([bulk("a"), bulk("1"), bulk("b"), bulk("2.5")])
        let resp3: RESPValue = .array([
            .array([bulk("a"), .double(Array("1".utf8))]), .array([bulk("b"), .double(Array("2.5".utf8))]),
        ])
        let two = PeekCommand.report(key: [122], facts: facts("zset"), details: [.value(.integer(3)), .value(resp2)])
        #expect(two.hasSuffix("value:\n1# \"a\" => \"1\"\n2# \"b\" => \"2.5\"\n... 1 more element\n"))
        let three = PeekCommand.report(key: [122], facts: facts("zset"), details: [.value(.integer(2)), .value(resp3)])
        #expect(three.hasSuffix("value:\n1# \"a\" => (double) 1\n2# \"b\" => (double) 2.5\n"))
    }

    @Test func elementsAreCappedAtFourKilobytesOfText() {
        // 100 elements of 100 bytes: about 40 fit in 4 KB.
        let items = (0..<100).map { _ in RESPValue.bulkString([UInt8](repeating: 120, count: 100)) }
        let (shown, text, cut) = PeekReport.fit(items, pairs: false)
        #expect(shown > 30 && shown < 45 && text.count <= PeekReport.byteCap && !cut, "\(shown)")
        let report = PeekCommand.report(
            key: [115], facts: facts("set", encoding: "hashtable"),
            details: [.value(.integer(500)), .value(.array([bulk("0"), .array(items)]))])
        #expect(report.hasSuffix("... \(500 - shown) more elements\n"))
        // One element longer than the cap is shown cut, and said to be.
        let (one, _, oneCut) = PeekReport.fit([.bulkString([UInt8](repeating: 120, count: 10_000))], pairs: false)
        #expect(one == 1 && oneCut)
    }

    @Test func aMissingKeyAnErrorAndOtherTypesSaySo() {
        #expect(
            PeekCommand.report(key: Array("no key".utf8), facts: facts("none"), details: [])
                == "(no such key: \"no key\")\n")
        let moved: [ReplyCollector.Result] =
            [.value(.error(Array("MOVED 3999 127.0.0.1:7001".utf8)))] + facts("x").dropFirst()
        #expect(PeekCommand.report(key: [107], facts: moved, details: []) == "(error) MOVED 3999 127.0.0.1:7001\n")
        #expect(PeekCommand.detailQueries(type: "ReJSON-RL", key: [107]) == nil)
        var module = facts("ReJSON-RL", encoding: "raw")
        module[3] = .value(.error(Array("ERR unknown subcommand".utf8)))
        #expect(
            PeekCommand.report(key: [107], facts: module, details: [])
                == "type:     ReJSON-RL\nencoding: raw\nttl:      none\nmemory:   ? (ERR unknown subcommand)\n"
                + "value:    not shown for this type\n")
        #expect(
            PeekCommand.factQueries([107]).map { String(decoding: $0[0], as: UTF8.self) } == [
                "TYPE", "OBJECT", "PTTL", "MEMORY",
            ])
    }
}
