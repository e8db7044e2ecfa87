import Testing

@testable import RcliCore

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

extension LineSource {
    /// A line's items written out, repeats expanded.
    static func items(for line: ArraySlice<UInt8>) -> [ScriptItem] {
        repeatedItems(for: line).flatMap { Array(repeating: $0.item, count: Int($0.count)) }
    }
}

@Test func splitterFollowsRedisCliQuoting() {
    #expect(CommandLineSplitter.split(b("set  k   v")) == [b("set"), b("k"), b("v")])
    #expect(CommandLineSplitter.split(b(#"set "a b" 'c d'"#)) == [b("set"), b("a b"), b("c d")])
    #expect(
        CommandLineSplitter.split(b(#"set "\x41\n\t\"\\" 'it\'s'"#)) == [
            b("set"), [0x41, 10, 9, 0x22, 0x5c], b("it's"),
        ])
    #expect(CommandLineSplitter.split(b(#"a"b c"d"#)) == nil)
    #expect(CommandLineSplitter.split(b(#"ab"c d" e"#)) == [b("abc d"), b("e")])
    #expect(CommandLineSplitter.split(b(#"set "unterminated"#)) == nil)
    #expect(CommandLineSplitter.split(b("set 'x")) == nil)
    #expect(CommandLineSplitter.split(b("  \t ")) == [])
    #expect(CommandLineSplitter.split(b("get k\r")) == [b("get"), b("k")])
    #expect(CommandLineSplitter.split(b(#""\xzz""#)) == [b("xzz")])
}

@Test func lineItemsHandleRepeatsQuitAndPreferences() {
    #expect(LineSource.items(for: b("3 ping")[...]) == Array(repeating: .command([b("ping")]), count: 3))
    #expect(
        LineSource.items(for: b("0 ping")[...]) == [.message(b("Invalid redis-cli repeat command option value.\n"))])
    #expect(LineSource.items(for: b("5")[...]) == [.command([b("5")])])
    #expect(LineSource.items(for: b("QUIT")[...]) == [.quit])
    #expect(LineSource.items(for: b("connect localhost 6380")[...]) == [.connect(host: "localhost", port: 6380)])
    #expect(LineSource.items(for: b(":set hints")[...]) == [.message([])])
    #expect(LineSource.items(for: b("")[...]) == [])
    #expect(LineSource.items(for: b("get \"x")[...]) == [.message(b("Invalid argument(s)\n"))])
}

@Test func optionsParseLikeRedisCli() throws {
    let p = try OptionParser.parse(
        ["-h", "example", "-p", "7000", "-n", "2", "-3", "--csv", "-e", "get", "-k"], environment: [:])
    #expect(p.config.host == "example")
    #expect(p.config.port == 7000)
    #expect(p.config.database == 2)
    #expect(p.config.protocolVersion == 3)
    #expect(p.config.outputFormat == .csv)
    #expect(p.config.exitOnError)
    #expect(p.command == ["get", "-k"])
    #expect(try OptionParser.parse(["--json"], environment: [:]).config.effectiveProtocol == 3)
    #expect(try OptionParser.parse(["-2", "--json"], environment: [:]).config.effectiveProtocol == 2)
    #expect(try OptionParser.parse(["ping"], environment: ["REDISCLI_AUTH": "pw"]).config.password == "pw")
    let argv = try OptionParser.parse(["-a", "x", "ping"], environment: ["REDISCLI_AUTH": "pw"])
    #expect(argv.config.password == "x" && argv.config.passwordOnCommandLine)
    #expect(
        try OptionParser.parse(["--askpass", "-a", "x"], environment: ["REDISCLI_AUTH": "pw"]).config.password == nil)
    #expect { try OptionParser.parse(["-x1"], environment: [:]) } throws: {
        ($0 as? RcliError)?.text == "Unrecognized option or bad number of args for: '-x1'"
    }
    #expect { try OptionParser.parse(["-x", "-X", "t"], environment: [:]) } throws: {
        ($0 as? RcliError)?.text == "Options -x and -X are mutually exclusive."
    }
    #expect(try OptionParser.parse(["--version", "--bogus"], environment: [:]).action == .version)
}

@Test func urisParse() throws {
    func parse(_ uri: String) throws -> CLIConfiguration {
        try OptionParser.parse(["-u", uri], environment: [:]).config
    }
    var c = try parse("redis://alice:p%40ss@db.example.com:6380/4")
    #expect(
        c.user == "alice" && c.password == "p@ss" && c.host == "db.example.com" && c.port == 6380 && c.database == 4)
    c = try parse("redis://:secret@[::1]:7000")
    #expect(c.user == nil && c.password == "secret" && c.host == "::1" && c.port == 7000)
    c = try parse("redis://localhost")
    #expect(c.host == "localhost" && c.port == 6379 && c.password == nil)
    c = try parse("unix://bob:pw@/var/run/redis.sock?db=3")
    #expect(c.socketPath == "/var/run/redis.sock" && c.database == 3 && c.user == "bob")
    #expect { try parse("http://x") } throws: { ($0 as? RcliError)?.text == "Invalid URI scheme" }
    #expect(throws: RcliError.self) { try parse("redis://host:0") }
    #expect(throws: RcliError.self) { try parse("redis://host/x") }
    c = try parse("rediss://u:pw@cache.example.com:6380/0")
    #expect(c.tls && c.host == "cache.example.com" && c.port == 6380 && c.user == "u" && c.password == "pw")
    #expect(try !parse("redis://host").tls)
}

@Test func helpListsEveryAvailableOption() {
    let help = HelpText.usage()
    for spec in OptionTable.all where !spec.hidden {
        #expect(help.contains("  " + spec.names[0]))
    }
    #expect(!help.contains("--generate"))
}

@Test func hugeRepeatCountsStayLazy() {
    let items = LineSource.repeatedItems(for: Array("1000000000 ping".utf8)[...])
    #expect(items.count == 1)
    #expect(items.first?.count == 1_000_000_000)
    let source = ItemSource(items)
    for _ in 0..<5 { #expect(source.next() == .command([Array("ping".utf8)])) }
    #expect(!source.isExhausted)
}
