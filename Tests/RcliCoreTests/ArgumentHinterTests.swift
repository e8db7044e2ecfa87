import Foundation
import Testing

@testable import RcliCore

/// The hint engine over the committed table (Redis 8.2's and Valkey 9.1's docs, Redis's by default),
/// checked against redis-cli 7.2's own hint suite (Tests/Fixtures/test_cli_hint_suite.txt) and more commands.
struct ArgumentHinterTests {
    let hinter = HelpCommand.hinter(HelpCommand.builtin())

    static func suite() throws -> [(String, String)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/test_cli_hint_suite.txt")
        let text = try Data(contentsOf: url)
        guard case .success(let file) = HintTestMode.read(Array(text)) else { throw CocoaError(.fileReadCorruptFile) }
        return file.cases
    }

    /// Redis changed these docs after 7.2, the suite's version (redis's own later copy of the suite
    /// expects the new forms), and the committed table is Redis 8.2's: BITFIELD_RO's GET block is
    /// optional again, GEORADIUS's STORE and STOREDIST are one oneof, MIGRATE's AUTH and AUTH2 are
    /// plain alternatives. Each pair is the 7.2 form and the 8.x one.
    static let docsChangedAfter72 = [
        ("GET encoding offset [GET encoding offset ...]", "[GET encoding offset [GET encoding offset ...]]"),
        ("[STORE key] [STOREDIST key]", "[STORE key|STOREDIST key]"),
        ("[[AUTH password]|[AUTH2 username password]]", "[AUTH password|AUTH2 username password]"),
    ]

    /// The suite's expected hint as Redis 8.x's docs give it; nil when those docs did not change.
    static func with8xDocs(_ expected: String) -> String? {
        for (old, new) in docsChangedAfter72 where expected.hasPrefix(old) || expected.contains(" " + old) {
            return expected.replacing(old, with: new)
        }
        return nil
    }

    @Test func redisSuiteCasesPass() throws {
        let cases = try Self.suite()
        #expect(cases.count == 66)
        var passed = 0
        for (input, expected) in cases {
            let hint = hinter.hint(for: input).map { String($0.reversed().drop { $0 == " " }.reversed()) }
            if hint == expected {
                passed += 1
            } else {
                let changed = Self.with8xDocs(expected)
                #expect(changed != nil && hint == changed, "\(input): \(hint ?? "nil")")
            }
        }
        #expect(passed == 55)
    }

    @Test func bitfieldRoWithRedis72Docs() {
        let get = ArgumentSpec(
            "get-block", .block, token: "GET", multiple: true, multipleToken: true,
            children: [ArgumentSpec("encoding", .string), ArgumentSpec("offset", .integer)])
        let hinter = ArgumentHinter([.init(name: "bitfield_ro", arguments: [ArgumentSpec("key", .key), get])])
        for (input, expected) in [
            ("BITFIELD_RO k ", "GET encoding offset [GET encoding offset ...]"),
            ("BITFIELD_RO k GE", "GET encoding offset [GET encoding offset ...]"),
            ("BITFIELD_RO k GET", "GET encoding offset [GET encoding offset ...]"),
            ("BITFIELD_RO k GET ", "encoding offset [GET encoding offset ...]"),
            ("BITFIELD_RO k GET xyz 12 GET ", "encoding offset [GET encoding offset ...]"),
            ("BITFIELD_RO k GET enc1 12 GET enc2 34 ", "[GET encoding offset ...]"),
        ] {
            #expect(hinter.hint(for: input) == expected, "\(input)")
        }
    }

    @Test(arguments: [
        ("SET k v EX 10 ", "[NX|XX] [GET] "),
        (
            "set k v nx ",
            "[GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]"
        ),
        ("ZADD k NX ", "[GT|LT] [CH] [INCR] score member [score member ...]"),
        ("zadd k 1 ", "member [score member ...]"),
        ("hello 3 auth ", "username password [SETNAME clientname]"),
        ("config get ", "parameter [parameter ...]"),
        ("CLIENT LIST ", "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]"),
        ("client ", ""),
        ("lpos k e RANK 1 ", "[COUNT num-matches] [MAXLEN len]"),
        ("xread STREAMS ", "key [key ...] id [id ...]"),
        ("bitcount k 1 2 ", "[BYTE|BIT]"),
        ("HSET h f v ", "[field value ...]"),
        (
            "set \"a b\" c ",
            "[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]"
        ),
        ("set k v EX abc ", ""),
        ("  get   k   ", ""),
        ("EXPIRE k 10 ", "[NX|XX|GT|LT]"),
        ("geosearch k FROMMEMBER m BYBOX 1 2 km ", "[ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]"),
        (
            "sort k ",
            "[BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]"
        ),
    ])
    func moreCommands(input: String, expected: String) {
        #expect(hinter.hint(for: input) == expected)
    }

    @Test func noHintWithoutACommandOrWithBadQuoting() {
        #expect(hinter.hint(for: "set") == nil)
        #expect(hinter.hint(for: "") == nil)
        #expect(hinter.hint(for: "nosuchcommand ") == nil)
        #expect(hinter.hint(for: "set \"k ") == nil)
    }

    @Test func rawHintHasNoLeadingSpace() {
        #expect(hinter.hint(for: "XRANGE k 4 2 COU") == "[COUNT count]")
    }

    @Test func compactFormRoundTrips() {
        for (_, text) in CommandTable.arguments {
            guard let specs = ArgumentSpec.parse(compact: text) else {
                Issue.record("unparsable: \(text)")
                continue
            }
            #expect(ArgumentSpec.compact(specs) == text)
        }
        let odd = [ArgumentSpec("a:b,(c)", .pureToken, token: "", display: "=%")]
        #expect(ArgumentSpec.parse(compact: ArgumentSpec.compact(odd)) == odd)
        #expect(ArgumentSpec.parse(compact: "x:bad::") == nil)
    }

    /// redis-cli's reading: a chunk the splitter rejects is skipped (not fatal), a lone input is
    /// redis-cli's fatal line, a line over 255 bytes arrives as two chunks.
    @Test func hintFilesReadAsRedisCliReadsThem() throws {
        let text = "# c\n\"a\" \"b\"\" \"\"\n\"GET \" \"key\n\n\"GET \" \"key\"\r\n\"GET \" \"key\" extra\n"
        guard case .success(let file) = HintTestMode.read(Array(text.utf8)) else {
            Issue.record("refused")
            return
        }
        #expect(file.cases.map { "\($0.0)|\($0.1)" } == ["GET |key", "GET |key"])
        #expect(file.skipped.map(\.line) == [2, 3])
        guard case .failure(let e) = HintTestMode.read(Array("# c\n\"GET \" \"key\"\n\"SET \"\n".utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(e.message == "Missing expected hint for input 'SET '")
        // 255 bytes (an unterminated quote: skipped), then the rest of the line as a chunk of its
        // own, where "x" "y" is a case.
        let long = "\"\(String(repeating: "a", count: 254)) \"x\" \"y\"\n"
        guard case .success(let chunks) = HintTestMode.read(Array(long.utf8)) else {
            Issue.record("refused")
            return
        }
        #expect(chunks.cases.map { "\($0.0)|\($0.1)" } == ["x|y"])
        #expect(chunks.skipped.count == 1)
    }
}

@Test func serverVersionsCompareByPart() throws {
    let v = try #require(ServerVersion("6.2.0"))
    #expect(try #require(ServerVersion("6.2")) == v)
    #expect(try #require(ServerVersion("6.0.16")) < v)
    #expect(v < (try #require(ServerVersion("6.10.1"))))
    #expect(ServerVersion("7.x") == nil && ServerVersion("") == nil && ServerVersion("1..2") == nil)
    #expect(ServerIdentity(info: "# Server\r\nredis_version:7.0.15\r\n")?.version.description == "7.0.15")
    #expect(ServerIdentity(info: "role:master\r\n") == nil)
}

@Test func argumentsNewerThanTheServerAreLeftOut() throws {
    let specs = try #require(
        ArgumentSpec.parse(
            compact: "k:key::,t?:get::=GET:=6.2.0,o?:expiration::(i:seconds::=EX,u:unix-time-seconds::=EXAT:=6.2.0)"))
    #expect(ArgumentSpec.parse(compact: ArgumentSpec.compact(specs)) == specs, "since survives the round trip")
    let v6 = try #require(ServerVersion("6.0.0"))
    let old = specs.compactMap { $0.supported(by: v6) }
    #expect(old.map(\.name) == ["key", "expiration"])
    #expect(old[1].children.map(\.name) == ["seconds"])
    let all = try #require(ArgumentSpec.parse(compact: "o?:x::(t:a::=A:=9.0,t:b::=B:=9.0)"))
    let v7 = try #require(ServerVersion("7.0"))
    #expect(all.compactMap { $0.supported(by: v7) }.isEmpty, "an empty oneof goes too")
}
