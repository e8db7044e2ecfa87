import Testing

@testable import Cluster

private func args(_ text: String) -> [[UInt8]] { text.split(separator: " ").map { Array($0.utf8) } }
private func keys(_ text: String) -> [String] {
    CommandKeys.keys(args(text)).map { String(decoding: $0, as: UTF8.self) }
}

@Test func keysOfPlainAndMultiKeyCommands() {
    #expect(keys("GET a") == ["a"])
    #expect(keys("set a 1 EX 10") == ["a"])
    #expect(keys("MSET a 1 b 2 c 3") == ["a", "b", "c"])
    #expect(keys("DEL a b c") == ["a", "b", "c"])
    #expect(keys("BLPOP a b 0") == ["a", "b"])
    #expect(keys("PING") == [])
    #expect(keys("NOSUCHCOMMAND a b") == [])
}

@Test func keysFoundByCountsAndKeywords() {
    #expect(keys("EVAL return 2 k1 k2 a1") == ["k1", "k2"])
    #expect(keys("EVAL return 0 a1") == [], "numkeys 0 means keyless")
    #expect(keys("EVALSHA abc 1 k1") == ["k1"])
    #expect(keys("FCALL f 1 k1 a") == ["k1"])
    #expect(keys("ZUNIONSTORE dst 2 s1 s2 WEIGHTS 1 2") == ["dst", "s1", "s2"])
    #expect(keys("XREAD COUNT 2 STREAMS s1 s2 0 0") == ["s1", "s2"])
    #expect(keys("XREADGROUP GROUP g c STREAMS s1 >") == ["s1"])
    #expect(keys("MIGRATE h 6379 k 0 1000") == ["k"])
    #expect(
        CommandKeys.keys([
            Array("MIGRATE".utf8), Array("h".utf8), Array("1".utf8), [], Array("0".utf8), Array("9".utf8),
            Array("KEYS".utf8), Array("a".utf8), Array("b".utf8),
        ]) == [Array("a".utf8), Array("b".utf8)])
    #expect(keys("GEORADIUS g 0 0 1 km STORE dst") == ["g", "dst"])
    #expect(keys("OBJECT ENCODING k") == ["k"])
    #expect(keys("object help") == [])
    #expect(keys("EVAL x notanumber k") == [], "a bad count names no keys")
    #expect(keys("EVAL x 9 k") == [], "a count past the end names no keys")
}

@Test func compactFormRoundTrips() throws {
    for (name, flags, specs) in CommandKeys.compactTable {
        let info = try #require(CommandKeyInfo(compact: flags, specs), "\(name)")
        #expect(info.compact.flags == flags && info.compact.specs == specs, "\(name)")
    }
    #expect(CommandKeyInfo(compact: "r", "i1 r0,1,0")?.readOnly == true)
    #expect(CommandKeyInfo(compact: "-", "x1 r0,1,0") == nil)
    #expect(CommandKeyInfo(compact: "-", "i1 r0,1") == nil)
    #expect(CommandKeyInfo(compact: "-", "i1") == nil)
    #expect(CommandKeys.compactTable.count > 150)
}

/// Commands of Redis 8.x and Valkey 9.x (merged into the table by scripts/gen-command-table)
/// route by their keys under -c.
@Test func keysOfRedis8AndValkey9Commands() {
    #expect(keys("HSETEX hk EX 100 FIELDS 1 f v") == ["hk"])
    #expect(keys("HGETEX hk PERSIST FIELDS 2 f g") == ["hk"])
    #expect(keys("HGETDEL hk FIELDS 1 f") == ["hk"])
    #expect(keys("HEXPIRE hk 10 NX FIELDS 1 f") == ["hk"])
    #expect(keys("HPTTL hk FIELDS 1 f") == ["hk"])
    #expect(keys("DELIFEQ k v") == ["k"])
    #expect(keys("MSETEX 2 a 1 b 2 EX 10") == ["a", "b"], "numkeys counts key/value pairs: a key every 2")
    #expect(keys("MSETEX 3 a 1 b 2") == [], "more keys than arguments: none")
    #expect(keys("VADD vs VALUES 2 0.1 0.2 e") == ["vs"])
    #expect(keys("VSIM vs ELE e COUNT 3") == ["vs"])
    #expect(keys("XDELEX s KEEPREF IDS 1 0-1") == ["s"])
    #expect(keys("XACKDEL s g IDS 1 0-1") == ["s"])
    #expect(keys("CLUSTERSCAN 0 COUNT 10") == ["0"], "routed by its cursor (a not_key key spec)")
    #expect(CommandKeys.info(for: args("VCARD vs"))?.readOnly == true)
    #expect(CommandKeys.info(for: args("HSETEX hk FIELDS 1 f v"))?.readOnly == false)
}
