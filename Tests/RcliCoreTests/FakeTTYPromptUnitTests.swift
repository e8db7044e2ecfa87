import RedisNet
import Testing

@testable import RcliCore

/// The pure parts of the FAKETTY_WITH_PROMPT hook (the shell on a piped stdin).
struct FakeTTYPromptUnitTests {
    @Test func lineFeedsFromThePipeAreDropped() {
        var bytes = Array("ab\ncd".utf8)
        LineEditor.dropLineFeeds(&bytes, from: 0)
        #expect(bytes == Array("abcd".utf8))
        // Only what was just read: bytes before `from` are kept as they are.
        bytes = Array("\n\u{12}\n\r\n".utf8)
        LineEditor.dropLineFeeds(&bytes, from: 1)
        #expect(bytes == Array("\n\u{12}\r".utf8))
    }

    @Test func thePseudoTerminalHas80Columns() throws {
        let terminal = try #require(PseudoTerminal())
        #expect(Platform.terminalColumns(fileno(terminal.slave)) == 80)
        #expect(isatty(fileno(terminal.slave)) == 1)
    }
}
