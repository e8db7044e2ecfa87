import RESP
import Testing

@testable import RcliCore

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

@Test func debuggerLinesAreRawAndTheEndIsHidden() {
    let stop = RESPValue.array([.simpleString(b("* Stopped at 1")), .simpleString(b("-> 1   local a = 1"))])
    #expect(LuaDebuggerReply.format(stop, colour: false) == (b("* Stopped at 1\n-> 1   local a = 1\n"), false))
    // "<endsession>" is not printed: alone it leaves a blank line, as redis-cli.
    #expect(LuaDebuggerReply.format(.array([.simpleString(b("<endsession>"))]), colour: false) == (b("\n"), true))
    let last = RESPValue.array([.simpleString(b("<debug> line 3: 1")), .simpleString(b("<endsession>"))])
    #expect(LuaDebuggerReply.format(last, colour: false) == (b("<debug> line 3: 1\n\n"), true))
    #expect(LuaDebuggerReply.format(.error(b("ERR x")), colour: true) == (b("ERR x\n\n"), false))
}

@Test func debuggerColoursAreRedisClis() {
    func painted(_ line: String) -> String { String(decoding: LuaDebuggerReply.paint(b(line)), as: UTF8.self) }
    #expect(painted("* Stopped at 1") == "\u{1b}[0;37;49m* Stopped at 1\u{1b}[0m")
    #expect(painted("<debug> line 1") == "\u{1b}[1;37;49m<debug> line 1\u{1b}[0m")
    #expect(painted("<redis> SET k v") == "\u{1b}[0;32;49m<redis> SET k v\u{1b}[0m")
    #expect(painted("<reply> \"+OK\"") == "\u{1b}[0;36;49m<reply> \"+OK\"\u{1b}[0m")
    #expect(painted("<error> Unknown") == "\u{1b}[0;31;49m<error> Unknown\u{1b}[0m")
    #expect(painted("<hint> try") == "\u{1b}[1;37;49m<hint> try\u{1b}[0m")
    #expect(painted("<retval> 1") == "\u{1b}[0;35;49m<retval> 1\u{1b}[0m")
    #expect(painted("<value> 1") == "\u{1b}[0;35;49m<value> 1\u{1b}[0m")
    #expect(painted("-> 12  return 1") == "\u{1b}[0;33;49m-> 12  return 1\u{1b}[0m")
    #expect(painted("  #3   local b") == "\u{1b}[1;37;49m  #3   local b\u{1b}[0m")
    // The tags count anywhere in the line; the later rule wins.
    #expect(painted("<redis> GET <error>") == "\u{1b}[0;31;49m<redis> GET <error>\u{1b}[0m")
}

@Test func debuggerInputSplitting() {
    #expect(LuaDebuggerReply.arguments("e redis.call('get', 'a b')") == [b("e"), b("redis.call('get', 'a b')")])
    #expect(LuaDebuggerReply.arguments("eval  return 1") == [b("eval"), b(" return 1")])
    #expect(LuaDebuggerReply.arguments("eval") == [b("eval")])
    #expect(LuaDebuggerReply.arguments("E x y") == [b("E"), b("x"), b("y")])
    #expect(LuaDebuggerReply.arguments("b \"unterminated") == nil)
}
