import Foundation
import Testing

/// Replies a real server never sends: each ends in one line on stderr and a non-zero exit.
@Suite struct HostileServerTests {
    static let cases: [(name: String, reply: String, message: String)] = [
        ("unknown type byte", "?what\r\n", "Error: Protocol error, got \"?\" as reply type byte\n"),
        ("negative length", "$-5\r\n", "Error: Protocol error, invalid length '-5'\n"),
        (
            "huge bulk", "$99999999999\r\n",
            "Error: Protocol error, bulk length 99999999999 exceeds the limit of 536870912 bytes\n"
        ),
        (
            "huge aggregate", "*99999999999\r\n",
            "Error: Protocol error, aggregate of 99999999999 elements exceeds the limit of 2147483647\n"
        ),
        ("non-numeric integer", ":12x\r\n", "Error: Protocol error, invalid integer '12x'\n"),
        (
            "deep nesting", String(repeating: "*1\r\n", count: 10_000) + ":1\r\n",
            "Error: Protocol error, reply nested deeper than 512 levels\n"
        ),
        ("truncated bulk", "$10\r\nabc", "Error: Server closed the connection\n"),
        ("truncated array", "*3\r\n:1\r\n", "Error: Server closed the connection\n"),
        ("announced but absent elements", "*2000000000\r\n", "Error: Server closed the connection\n"),
        ("bad CRLF after bulk", "$3\r\nabcXY", "Error: Protocol error, missing CRLF after bulk data\n"),
        ("escape in type position", "\u{1b}[2J\r\n", "Error: Protocol error, got byte 0x1b as reply type byte\n"),
    ]

    @Test("malformed replies", arguments: cases.indices)
    func malformed(_ i: Int) throws {
        let c = Self.cases[i]
        for tty in [false, true] {
            let server = try FakeServer(reply: Array(c.reply.utf8))
            let r = try rcli(["-p", "\(server.port)", "ping"], environment: tty ? ["FAKETTY": "1"] : [:], timeout: 10)
            #expect(r.status == 1, "\(c.name)")
            #expect(r.err == c.message, "\(c.name)")
        }
    }

    @Test func escapeSequencesAreShownEscapedOnATerminal() throws {
        let replies = [
            "+\u{1b}[31mred\u{1b}[0m\r\n",
            "-ERR \u{1b}]0;pwned\u{07}\r\n",
            "$6\r\n\u{1b}[2Jab\r\n",
            "=12\r\ntxt:\u{1b}[1mbold\r\n",
            "*2\r\n+\u{1b}c\r\n%1\r\n+k\u{1b}\r\n+\u{9b}v\r\n",
        ]
        for reply in replies {
            let server = try FakeServer(reply: Array(reply.utf8))
            let r = try rcli(["-p", "\(server.port)", "ping"], environment: ["FAKETTY": "1"], timeout: 10)
            #expect(r.status == 0)
            #expect(!r.stdout.contains(0x1b), "raw ESC reached the terminal: \(r.out)")
            #expect(!r.stdout.contains(0x07))
            #expect(r.out.contains("\\x1b"))
        }
    }

    @Test func rawOutputStaysByteExact() throws {
        let server = try FakeServer(reply: Array("$6\r\n\u{1b}[2Jab\r\n".utf8))
        let r = try rcli(["-p", "\(server.port)", "ping"], timeout: 10)
        #expect(r.stdout == Array("\u{1b}[2Jab\n".utf8))
    }
}
