import Testing

@testable import Cluster

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

@Test func crc16IsXmodem() {
    #expect(HashSlot.crc16(b("123456789")) == 0x31C3)
    #expect(HashSlot.crc16([]) == 0)
}

@Test func hashTagsFollowTheClusterSpec() {
    #expect(HashSlot.slot(b("{user1000}.following")) == HashSlot.slot(b("{user1000}.followers")))
    #expect(HashSlot.slot(b("foo{}{bar}")) == HashSlot.slot(b("foo{}{bar}")))
    #expect(HashSlot.hashedPart(b("foo{}{bar}")) == b("foo{}{bar}")[...], "an empty first tag hashes the whole key")
    #expect(HashSlot.hashedPart(b("foo{{bar}}zap")) == b("{bar")[...])
    #expect(HashSlot.hashedPart(b("foo{bar}{zap}")) == b("bar")[...])
    #expect(HashSlot.hashedPart(b("no-close{brace")) == b("no-close{brace")[...])
    #expect(HashSlot.slot(b("foo")) == 12182)
    #expect(HashSlot.slot(b("")) == 0)
}
