/// The key names an idle scan collected (`IdleKeyScan`), for Tab: kept compact (the names' bytes
/// one after another in one buffer, with their end offsets), up to a cap of `maxNames` names or
/// `maxBytes` bytes of names, whichever comes first, and for `lifetime` seconds from the scan's
/// start. Only names that can be typed back as one word are kept (no spaces, quotes or control
/// characters), as Tab's direct scan does.
struct KeyNameCache {
    /// The cap on names (README: 2,000,000 names or 64 MiB of names).
    static let defaultMaxNames = 2_000_000
    /// The cap on the names' bytes.
    static let defaultMaxBytes = 64 << 20
    /// How long names are trusted (from when their scan started).
    static let defaultLifetime = 60.0

    let maxNames: Int
    let maxBytes: Int
    let lifetime: Double
    /// When the scan that fills it started (monotonic seconds).
    let born: Double
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []
    /// Every server's scan came back to cursor 0 before the cap: the names are all there were.
    var complete = false
    /// The cap stopped the scan: some names are missing.
    private(set) var full = false

    init(
        born: Double, maxNames: Int = Self.defaultMaxNames, maxBytes: Int = Self.defaultMaxBytes,
        lifetime: Double = Self.defaultLifetime
    ) {
        self.born = born
        self.maxNames = maxNames
        self.maxBytes = min(maxBytes, Int(UInt32.max))
        self.lifetime = lifetime
    }

    /// How many names are held.
    var count: Int { ends.count }
    /// The bytes the names take.
    var byteCount: Int { bytes.count }

    /// True once `lifetime` has passed since the scan started.
    func expired(now: Double) -> Bool { now - born > lifetime }

    /// True for a name that can be typed back as one word.
    static func typeable<C: Collection<UInt8>>(_ name: C) -> Bool {
        !name.isEmpty && name.allSatisfy { $0 > 32 && $0 != 34 && $0 != 39 && $0 != 127 }
    }

    /// Adds a name (an untypeable one is skipped); false when the cap is reached (the name is
    /// not added, and `full` is set).
    @discardableResult
    mutating func add<C: Collection<UInt8>>(_ name: C) -> Bool {
        guard !full else { return false }
        guard Self.typeable(name) else { return true }
        guard ends.count < maxNames, bytes.count + name.count <= maxBytes else {
            full = true
            return false
        }
        bytes.append(contentsOf: name)
        ends.append(UInt32(bytes.count))
        return true
    }

    /// The names that start with `prefix`, sorted, without repeats (a scan may return a name
    /// twice), and the number of them. At most `limit` names are returned; beyond that the
    /// smallest and the largest are always among them, so the common start of the list is the
    /// common start of every match.
    func names(prefix: String, limit: Int = 2000) -> (names: [String], total: Int) {
        let wanted = Array(prefix.utf8)
        var picked = Set<[UInt8]>()
        var total = 0
        var smallest: ArraySlice<UInt8>?
        var largest: ArraySlice<UInt8>?
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for end in ends {
                let name = all[start..<Int(end)]
                start = Int(end)
                guard name.count >= wanted.count, name.starts(with: wanted) else { continue }
                total += 1
                if picked.count < limit { picked.insert(Array(name)) }
                if smallest.map({ name.lexicographicallyPrecedes($0) }) ?? true { smallest = Array(name)[...] }
                if largest.map({ $0.lexicographicallyPrecedes(name) }) ?? true { largest = Array(name)[...] }
            }
        }
        if total > picked.count {
            if let smallest { picked.insert(Array(smallest)) }
            if let largest { picked.insert(Array(largest)) }
        }
        let sorted = picked.sorted { $0.lexicographicallyPrecedes($1) }
        return (sorted.map { String(decoding: $0, as: UTF8.self) }, total)
    }
}
