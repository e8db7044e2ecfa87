import Testing

@testable import RcliCore

/// The idle key scan's name store: prefix lookup, the caps, the lifetime.
@Suite struct KeyNameCacheTests {
    @Test func namesStartingWithAPrefixComeSortedAndOnce() {
        var cache = KeyNameCache(born: 0)
        for name in ["user:2", "user:10", "order:1", "user:1", "user:2", "us"] { cache.add(Array(name.utf8)) }
        #expect(cache.names(prefix: "user:").names == ["user:1", "user:10", "user:2"])
        #expect(cache.names(prefix: "user:").total == 4, "a name the scan returned twice is listed once")
        #expect(cache.names(prefix: "us").names == ["us", "user:1", "user:10", "user:2"])
        #expect(cache.names(prefix: "o").names == ["order:1"])
        #expect(cache.names(prefix: "nothing").names.isEmpty)
        #expect(cache.names(prefix: "").names.count == 5)
        #expect(cache.names(prefix: "user:10x").names.isEmpty, "a prefix longer than the name")
    }

    @Test func namesThatCannotBeTypedBackAreLeftOut() {
        var cache = KeyNameCache(born: 0)
        for name in ["a b", "a\"b", "a'b", "a\u{7f}", "a\tb", "", "ab", "añ"] { cache.add(Array(name.utf8)) }
        #expect(cache.names(prefix: "a").names == ["ab", "añ"])
        #expect(cache.count == 2)
    }

    @Test func aLongListKeepsItsSmallestAndLargestSoTheCommonStartIsRight() {
        var cache = KeyNameCache(born: 0)
        // The first names added share "k:1"; the largest does not.
        for i in 0..<50 { cache.add(Array("k:1\(i)".utf8)) }
        cache.add(Array("k:9".utf8))
        cache.add(Array("k:0".utf8))
        let found = cache.names(prefix: "k:", limit: 10)
        #expect(found.total == 52)
        #expect(found.names.count == 12)
        #expect(found.names.first == "k:0")
        #expect(found.names.last == "k:9")
        #expect(found.names == found.names.sorted())
    }

    @Test func theNameCapStopsAddingAndSaysSo() {
        var cache = KeyNameCache(born: 0, maxNames: 3)
        #expect(add(&cache, "a"))
        #expect(add(&cache, "b"))
        #expect(add(&cache, "c b"), "an untypeable name is skipped, not counted")
        #expect(add(&cache, "c"))
        #expect(!cache.full)
        #expect(!add(&cache, "d"))
        #expect(cache.full)
        #expect(!add(&cache, "e"), "nothing after the cap")
        #expect(cache.count == 3)
        #expect(cache.names(prefix: "").names == ["a", "b", "c"])
    }

    @Test func theByteCapStopsAddingToo() {
        var cache = KeyNameCache(born: 0, maxBytes: 10)
        #expect(add(&cache, "12345"))
        #expect(add(&cache, "6789"))
        #expect(!add(&cache, "ab"), "9 + 2 bytes is over 10")
        #expect(cache.full)
        #expect(cache.byteCount == 9)
    }

    private func add(_ cache: inout KeyNameCache, _ name: String) -> Bool {
        cache.add(Array(name.utf8))
    }

    @Test func namesExpireAfterTheirLifetime() {
        let cache = KeyNameCache(born: 100, lifetime: 60)
        #expect(!cache.expired(now: 100))
        #expect(!cache.expired(now: 160))
        #expect(cache.expired(now: 160.5))
        #expect(KeyNameCache(born: 0).lifetime == 60)
    }

    @Test func anIdleScanWithoutNamesAsksTheServerDirectly() {
        let scan = IdleKeyScan(enabled: true)
        var asked = 0
        let names = scan.complete(prefix: "k") {
            asked += 1
            return ["k1"]
        }
        #expect(names == ["k1"])
        #expect(asked == 1)
        #expect(scan.offer(at: nil) { [] } == nil, "no idle work while disconnected")
        #expect(IdleKeyScan(enabled: false).offer(at: "127.0.0.1:6379") { [] } == nil, "switched off")
        #expect(scan.offer(at: "127.0.0.1:6379") { [] } != nil)
    }
}
