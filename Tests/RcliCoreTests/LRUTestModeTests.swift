import Testing

@testable import RcliCore

@Test func lruKeysFollowAnEightyTwentyLaw() {
    #expect(LRUTestMode.keyNumber(1000, r: 0) == 1000)
    #expect(LRUTestMode.keyNumber(1000, r: 1) == 0)
    var random = SystemRandomNumberGenerator()
    let draws = (0..<20000).map { _ in LRUTestMode.keyNumber(1000, r: Double.random(in: 0...1, using: &random)) }
    #expect(draws.allSatisfy { (0...1000).contains($0) })
    let hot = Double(draws.filter { $0 <= 200 }.count) / Double(draws.count)
    #expect((0.75...0.85).contains(hot), "\(hot)")
    #expect(LRUTestMode.line(hits: 3, misses: 1) == "4 Gets/sec | Hits: 3 (75.00%) | Misses: 1 (25.00%)\n")
}
