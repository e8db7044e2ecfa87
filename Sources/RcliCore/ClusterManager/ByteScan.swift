/// Finding a byte in a buffer eight bytes at a time (one 64-bit word per step, "SWAR"): the
/// manager reads N views of N lines each on a cluster of N nodes, and looking for the next space
/// or newline is most of what that costs.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first `byte` in `buffer[start..<end]`, `end` when there is none.
    static func first(_ byte: UInt8, in buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        let pattern = ones &* UInt64(byte)
        var i = start
        while i + 8 <= end {
            // A byte of `word` is zero where the buffer holds `byte`; the lowest flagged byte is
            // the first such (a borrow can only flag bytes above a real zero byte).
            let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ pattern
            let zeros = (word &- ones) & ~word & highs
            if zeros != 0 { return i + zeros.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < end {
            if buffer[i] == byte { return i }
            i += 1
        }
        return end
    }
}
