import Foundation
import Testing

/// `--lru-test <keys>` on a server of its own with a small maxmemory and an LRU policy.
@Suite struct ToolModeLRUTests {
    static let line = #"^(\d+) Gets/sec \| Hits: (\d+) \((\d+\.\d\d)%\) \| Misses: (\d+) \((\d+\.\d\d)%\)$"#

    @Test func linePerSecondWithHitsAndMisses() throws {
        let server = try OwnServer(["--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru"])
        defer { server.stop() }
        let r = try rcliFor(2.6, ["-p", server.port, "--lru-test", "100000"])
        #expect(r.err.isEmpty, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        // One line a second (a loaded machine may fit only one in the run).
        #expect((1...3).contains(lines.count), "\(r.out)")
        let regex = try NSRegularExpression(pattern: Self.line)
        for line in lines {
            let m = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line))
            #expect(m != nil, "\(line)")
            guard let m else { continue }
            let field = { (i: Int) in Range(m.range(at: i), in: line).map { String(line[$0]) } ?? "" }
            let gets = Int(field(1)) ?? -1
            let hits = Int(field(2)) ?? -1
            let misses = Int(field(4)) ?? -1
            #expect(gets == hits + misses && gets > 0 && gets % 250 == 0, "\(line)")
            #expect(field(3) == String(format: "%.2f", Double(hits) / Double(gets) * 100))
            // Keys are written as they are read: some are found, and 2 MB cannot hold 100000.
            #expect(hits > 0 && misses > 0, "\(line)")
        }
        // Only lru:0 ... lru:100000 were written, 5 letters from 'A' to 'y' each.
        let keys = try (0..<20).map { _ in try redisCli(["-p", server.port, "randomkey"]).out.dropLast() }
        #expect(!keys.isEmpty && keys.allSatisfy { $0.hasPrefix("lru:") && (Int($0.dropFirst(4)) ?? -1) <= 100_000 })
        if let key = keys.first {
            let value = try redisCli(["-p", server.port, "get", String(key)]).out
            #expect(value.range(of: "^[A-y]{5}\n$", options: .regularExpression) != nil, "\(value)")
        }
    }

    @Test func lostServerIsAnIOError() throws {
        let server = try OwnServer()
        defer { server.stop() }
        let r = try rcliFor(8, ["-p", server.port, "--lru-test", "1000"]) { _ in
            usleep(1_300_000)
            server.stop()
        }
        #expect(r.status == 1)
        #expect(r.err.hasSuffix("I/O error during LRU test\n"), "\(r.err)")
        #expect(r.out.contains(" Gets/sec | Hits: "), "\(r.out)")
    }
}
