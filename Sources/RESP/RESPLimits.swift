/// Bounds the parser enforces on what a server may send.
public struct RESPLimits: Sendable {
    /// Deepest aggregate nesting accepted.
    public var maxDepth: Int
    /// Largest bulk string accepted (redis-server's own proto-max-bulk-len default is 512 MB).
    public var maxBulkLength: Int
    /// Largest element count an aggregate header may announce.
    public var maxAggregateCount: Int
    /// Longest header or simple-string line accepted.
    public var maxLineLength: Int

    /// Limits for replies from a real server.
    public init(
        maxDepth: Int = 512, maxBulkLength: Int = 512 * 1024 * 1024,
        maxAggregateCount: Int = Int(Int32.max), maxLineLength: Int = 64 * 1024 * 1024
    ) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxLineLength = maxLineLength
    }
}
