import RESP
import Testing

@testable import Cluster

private func a(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }
private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

@Test func sameSlotCommandsAreNotSplit() {
    #expect(FanOut.split(a("MGET", "{u}a", "{u}b")) == nil)
    #expect(FanOut.split(a("GET", "a")) == nil)
    #expect(FanOut.split(a("MSET", "a", "1", "b")) == nil, "an odd MSET goes to the server as is")
    #expect(FanOut.split(a("MSETNX", "a", "1", "b", "2")) == nil, "atomic commands are never split")
}

@Test func mgetIsSplitPerSlotAndMergedInKeyOrder() throws {
    // foo: 12182, bar: 5061, {foo}x: 12182.
    let plan = try #require(FanOut.split(a("mget", "foo", "bar", "{foo}x", "nokey")))
    #expect(plan.parts.count == 3)
    #expect(plan.parts[0].args == a("mget", "foo", "{foo}x") && plan.parts[0].positions == [0, 2])
    #expect(plan.parts[1].args == a("mget", "bar") && plan.parts[1].slot == 5061)
    let merged = plan.combine([.array([bulk("1"), bulk("3")]), .array([.null]), .array([bulk("4")])])
    #expect(merged == .array([bulk("1"), .null, bulk("3"), bulk("4")]))
    #expect(
        plan.combine([.array([bulk("1")]), .array([.null]), .array([bulk("4")])]).isError,
        "a short part is an error, not a wrong answer")
}

@Test func countsAreSummedAndErrorsWin() throws {
    let del = try #require(FanOut.split(a("DEL", "foo", "bar")))
    #expect(del.combine([.integer(1), .integer(1)]) == .integer(2))
    let wrong = RESPValue.error(Array("WRONGTYPE x".utf8))
    #expect(del.combine([.integer(1), wrong]) == wrong)
    let mset = try #require(FanOut.split(a("MSET", "foo", "1", "bar", "2")))
    #expect(mset.parts.map(\.args) == [a("MSET", "foo", "1"), a("MSET", "bar", "2")])
    #expect(
        mset.combine([.simpleString(Array("OK".utf8)), .simpleString(Array("OK".utf8))])
            == .simpleString(Array("OK".utf8)))
    let keys = FanOut.perMaster(a("KEYS", "*"), slots: [0, 6000], merge: .concatenate)
    #expect(keys.combine([.array([bulk("a")]), .array([bulk("b")])]) == .array([bulk("a"), bulk("b")]))
}
