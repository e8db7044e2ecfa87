/// Redis Cluster key slots: CRC16-XMODEM (polynomial 0x1021, initial value 0) of the key, or of
/// its hash tag (the bytes between the first `{` and the next `}`, when not empty), mod 16384.
package enum HashSlot {
    /// The number of slots in a cluster.
    package static let count = 16384

    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    /// CRC16-XMODEM of `bytes`.
    package static func crc16<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0
        for b in bytes { crc = (crc << 8) ^ table[Int(UInt8(crc >> 8) ^ b)] }
        return crc
    }

    /// The part of `key` that is hashed: the hash tag when there is a non-empty one.
    package static func hashedPart(_ key: [UInt8]) -> ArraySlice<UInt8> {
        hashedPart(key[...])
    }

    /// The same for a key that lies inside a larger buffer.
    package static func hashedPart(_ key: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            return key[(open + 1)..<close]
        }
        return key[...]
    }

    /// The slot of `key`.
    package static func slot(_ key: [UInt8]) -> Int {
        slot(key[...])
    }

    /// The slot of a key that lies inside a larger buffer.
    package static func slot(_ key: ArraySlice<UInt8>) -> Int {
        Int(crc16(hashedPart(key))) % count
    }
}
