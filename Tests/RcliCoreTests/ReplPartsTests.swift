import RESP
import Testing

@testable import RcliCore

@Test func secretsStayOutOfHistory() {
    for line in [
        "AUTH pw", "auth user pw", "3 auth pw", "HELLO 3 AUTH default pw", "hello 3 setname x auth u p",
        "ACL SETUSER bob on >secret", "acl setuser bob #abc123", "CONFIG SET requirepass x",
        "config set masterauth y", "MIGRATE h 6379 k 0 1000 AUTH pw", "migrate h 6379 \"\" 0 1000 AUTH2 u p KEYS a",
        "auth \"unbalanced", "acl setuser bob on", "ACL GETUSER alice", "acl deluser bob",
        "config set primaryauth p", "CONFIG SET maxmemory 1mb masteruser u", "sentinel config set sentinel-pass p",
        "SENTINEL SET mymaster auth-pass p", "2 sentinel set mymaster quorum 2 auth-user u",
    ] {
        #expect(!HistoryPolicy.mayRemember(line: line), "\(line)")
    }
    for line in [
        "get auth", "hello 3", "config set maxmemory 1mb", "set k v", "acl list", "sentinel masters",
        "sentinel set mymaster quorum 2", "sentinel config get sentinel-pass",
    ] {
        #expect(HistoryPolicy.mayRemember(line: line), "\(line)")
    }
}

private func b(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

@Test func syntaxIsRenderedFromCommandDocs() {
    // SET's arguments as COMMAND DOCS describes them (abridged).
    let key: RESPValue = .map([b("name"), b("key"), b("type"), b("key")])
    let value: RESPValue = .map([b("name"), b("value"), b("type"), b("string")])
    let condition: RESPValue = .map([
        b("name"), b("condition"), b("type"), b("oneof"), b("flags"), .array([b("optional")]),
        b("arguments"),
        .array([
            .map([b("name"), b("nx"), b("type"), b("pure-token"), b("token"), b("NX")]),
            .map([b("name"), b("xx"), b("type"), b("pure-token"), b("token"), b("XX")]),
        ]),
    ])
    let ex: RESPValue = .map([
        b("name"), b("seconds"), b("type"), b("integer"), b("token"), b("EX"), b("flags"), .array([b("optional")]),
    ])
    let pairs: RESPValue = .map([
        b("name"), b("data"), b("type"), b("block"), b("flags"), .array([b("multiple")]),
        b("arguments"),
        .array([
            .map([b("name"), b("field"), b("type"), b("string")]),
            .map([b("name"), b("value"), b("type"), b("string")]),
        ]),
    ])
    #expect(
        [key, value, condition, ex].map(HelpCommand.syntax).joined(separator: " ") == "key value [NX|XX] [EX seconds]")
    #expect(HelpCommand.syntax(pairs) == "field value [field value ...]")
    #expect(
        HelpCommand.topLevelTokens("key field value [field value ...]") == [
            "key", "field", "value", "[field value ...]",
        ])
    #expect(HelpCommand.distance("gett", "get") == 1)
}

@Test func committedCommandTableIsComplete() {
    let table = Dictionary(CommandTable.entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    #expect(table.count == CommandTable.entries.count, "no duplicate names")
    #expect(table.count > 400)
    #expect(table["get"]?.syntax == "key")
    #expect(table["config|get"]?.group == "server")
    #expect(table["hset"]?.syntax == "key field value [field value ...]")
    #expect(table.values.allSatisfy { $0.redis != nil || $0.valkey != nil }, "every entry has an origin")
}

@Test func historyFilesAreReadPlainOrFromLibeditsFormat() {
    #expect(HistoryFile.parse(Array("get a\r\nset b 1\n\nping".utf8)) == ["get a", "set b 1", "ping"])
    #expect(HistoryFile.parse([0x00, 0x41]) == nil, "NUL: not a history file")
    #expect(HistoryFile.parse([0xff, 0x0a]) == nil, "not UTF-8: not a history file")
    let libedit = "_HiStOrY_V2_\nset\\040k\\040\\\\n\\011x\nget\\ss\nbad\\012line\n\\M^A\\^?\n"
    #expect(HistoryFile.parse(Array(libedit.utf8)) == ["set k \\n\tx", "get s", "\u{FFFD}\u{7f}"])
    #expect(HistoryFile.unvis("caf\\303\\251") == "café")
    var h = HistoryFile(path: "/nonexistent", limit: 3)
    for line in ["a", "b", "b", "c", "d"] { h.append(line) }
    #expect(h.lines == ["b", "c", "d"], "repeats are dropped and the oldest go beyond the limit")
}

@Test func pubSubStateFollowsTheServersCounts() {
    func confirm(_ kind: String, _ count: Int64, push: Bool = false) -> RESPValue {
        let items: [RESPValue] = [.bulkString(Array(kind.utf8)), .bulkString(Array("ch".utf8)), .integer(count)]
        return push ? .push(items) : .array(items)
    }
    var state = PubSubState()
    #expect(!state.isSubscribed)
    state.observe(confirm("subscribe", 2), resp3: false)
    #expect(state.isSubscribed && state.channels == 2)
    state.observe(confirm("SSUBSCRIBE", 1, push: true), resp3: true)
    #expect(state.shardChannels == 1)
    state.observe(confirm("unsubscribe", 0), resp3: false)
    #expect(state.isSubscribed, "a shard channel is left")
    state.observe(confirm("message", 0), resp3: false)
    #expect(state.shardChannels == 1, "a message is not a confirmation")
    // Under RESP3 an array is some command's reply, not a confirmation.
    state.observe(confirm("sunsubscribe", 0), resp3: true)
    #expect(state.isSubscribed)
    state.observe(confirm("sunsubscribe", 0, push: true), resp3: true)
    #expect(!state.isSubscribed)
    // An EXEC that queued a SUBSCRIBE: the confirmation inside its reply counts.
    state.observe(.array([.simpleString(Array("OK".utf8)), confirm("subscribe", 1)]), resp3: false, exec: true)
    #expect(state.channels == 1)
    var transaction = PubSubState.Transaction()
    func mark(_ words: String...) -> String? {
        let args = words.map { Array($0.utf8) }
        return transaction.mark(args, traits: CommandTraits(args))
    }
    #expect(mark("multi") == nil && mark("subscribe", "a") == "subscribe" && mark("exec") == "exec")
    #expect(mark("multi") == nil && mark("set", "k", "v") == nil && mark("exec") == nil)
    #expect(PubSubState.kind(confirm("pmessage", 1)) == "pmessage")
    #expect(PubSubState.kind(.array([.bulkString(Array("pong".utf8)), .bulkString([])])) == nil)
    #expect(PubSubState.kind(.array([.bulkString(Array("a".utf8)), .bulkString([]), .integer(1)])) == nil)
    #expect(PubSubState.kind(.bulkString(Array("message".utf8))) == nil)
}
