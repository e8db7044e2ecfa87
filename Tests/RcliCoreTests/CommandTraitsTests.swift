import RESP
import Testing

@testable import RcliCore

/// Command facts derived from the command table's COMMAND INFO flags (`CommandTable.flagged`,
/// generated with the table) hold what the hand-typed lists held, and the few facts no flag gives
/// stay as they were.
struct CommandTraitsTests {
    static func traits(_ line: String) -> CommandTraits {
        CommandTraits(line.split(separator: " ").map { Array($0.utf8) })
    }

    /// The lists `CommandTraits` had by hand before they were derived.
    static let blockingByHand: Set<String> = [
        "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "wait", "waitaof",
    ]

    @Test func theFlagsGiveWhatTheHandListsHad() {
        let derived = CommandTraits.derivedNames
        #expect(derived.blocking.isSuperset(of: Self.blockingByHand), "flagged blocking (WAIT from Redis 7.2 on)")
        #expect(derived.blocking.isSuperset(of: ["xread", "xreadgroup"]), "flagged, but block only with BLOCK")
        #expect(derived.subscribe == ["subscribe", "psubscribe", "ssubscribe"])
        #expect(derived.unsubscribe == ["unsubscribe", "punsubscribe", "sunsubscribe"])
        #expect(!derived.blocking.contains("publish") && !derived.subscribe.contains("publish"))
    }

    @Test func eachCommandKeepsItsTraits() {
        for name in Self.blockingByHand {
            let t = Self.traits(name + " k 0")
            #expect(t.blocking && !t.streaming && !t.subscribe, "\(name)")
        }
        for name in ["subscribe", "psubscribe", "ssubscribe", "SUBSCRIBE"] {
            let t = Self.traits(name + " ch")
            #expect(t.streaming && t.subscribe && t.replyIsPush && !t.blocking, "\(name)")
        }
        for name in ["unsubscribe", "punsubscribe", "sunsubscribe"] {
            let t = Self.traits(name)
            #expect(t.replyIsPush && !t.streaming && !t.subscribe, "\(name)")
        }
        for name in ["monitor", "sync", "psync ? -1"] {
            let t = Self.traits(name)
            #expect(t.streaming && !t.subscribe && !t.replyIsPush, "\(name): no flag says it, the hand list does")
        }
        #expect(!Self.traits("xread streams s 0").blocking, "XREAD blocks only with BLOCK")
        #expect(Self.traits("XREADGROUP GROUP g c BLOCK 0 STREAMS s >").blocking)
        #expect(Self.traits("shutdown nosave").blocking && Self.traits("shutdown").closesConnection)
        for line in ["publish ch m", "spublish ch m", "pubsub channels", "get k", "info"] {
            let t = Self.traits(line)
            #expect(!t.blocking && !t.streaming && !t.subscribe && !t.replyIsPush, "\(line)")
        }
    }

    @Test func commandInfoGivesArityAndFlags() throws {
        func status(_ s: String) -> RESPValue { .simpleString(Array(s.utf8)) }
        func entry(_ flags: RESPValue) -> RESPValue {
            .array([
                .bulkString(Array("SUBSCRIBE".utf8)), .integer(-2), flags, .integer(0), .integer(0), .integer(0),
                .array([]), .array([]), .array([]), .array([]),
            ])
        }
        let names = ["pubsub", "noscript", "loading", "stale"]
        for flags in [RESPValue.array(names.map(status)), .set(names.map(status))] {
            let c = try #require(CommandInfoReply.commands(entry(flags)).first)
            #expect(c.name == "subscribe" && c.info == nil)
            #expect(c.flags == CommandFlags(arity: -2, flags: Set(names)))
            #expect(c.flags.isKept && c.flags.compact == "loading noscript pubsub stale")
        }
        let plain = CommandFlags(arity: 2, flags: ["readonly", "fast"])
        #expect(!plain.isKept, "the table keeps only blocking and pub/sub commands")
    }
}
