import RedisNet

/// `--lru-test <keys>`: redis-cli's cache workload, forever in cycles of a second. Each cycle
/// repeats batches of 250 pipelined `SET lru:<n> <5 letters>` and then 250 `GET lru:<n>`, with
/// n drawn from an 80/20 power law over the keys; after the cycle one line of gets per second
/// with the hit and miss ratios. Errors of the GETs go to stderr; losing the server is
/// "I/O error during LRU test" and status 1. As in redis-cli (and --latency, --stat), Ctrl-C
/// simply ends the process.
enum LRUTestMode {
    /// Commands per pipelined batch.
    static let batch = 250
    /// Seconds per reported cycle.
    static let cycle = 1.0

    static func run(keys: Int64, transport: Transport, output: OutputContext) -> Int32 {
        if let error = transport.open() { return output.fail(error) }
        let sink = LRUTestSink(err: output.err)
        let engine = Engine(transport: transport, sink: sink, settings: Pipeline.Settings(window: .commands(batch)))
        var random = SystemRandomNumberGenerator()
        while true {
            let start = monotonicSeconds()
            sink.hits = 0
            sink.misses = 0
            while monotonicSeconds() - start < cycle {
                let sets = (0..<batch).map { _ in
                    command(["SET", key(keys, &random), String(value(&random))])
                }
                let gets = (0..<batch).map { _ in command(["GET", key(keys, &random)]) }
                for (commands, counting) in [(sets, false), (gets, true)] {
                    sink.counting = counting
                    _ = engine.run(ItemSource(commands))
                    if sink.failed {
                        output.out.flush()
                        output.err.write("I/O error during LRU test\n")
                        output.err.flush()
                        return 1
                    }
                }
            }
            output.out.write(line(hits: sink.hits, misses: sink.misses))
            output.out.flush()
        }
    }

    /// redis-cli's report line.
    static func line(hits: Int, misses: Int) -> String {
        let total = Double(hits + misses)
        return System.cFormat(
            "%lld Gets/sec | Hits: %lld (%.2f%%) | Misses: %lld (%.2f%%)\n", Int64(hits + misses), Int64(hits),
            Double(hits) / total * 100, Int64(misses), Double(misses) / total * 100)
    }

    /// The key number for a uniform draw `r` in 0...1: an 80/20 power law (alpha 6.2) over
    /// 0...keys, small numbers the most frequent (redis-cli's `LRUTestGenKey`).
    static func keyNumber(_ keys: Int64, r: Double) -> Int64 {
        let m = Double(keys + 1)
        let pl = pow((pow(m, 7.2) - 1) * r + 1, 1 / 7.2)
        return max(0, keys + 1 - Int64(pl))
    }

    private static func key(_ keys: Int64, _ random: inout SystemRandomNumberGenerator) -> String {
        "lru:\(keyNumber(keys, r: Double.random(in: 0...1, using: &random)))"
    }

    /// Five characters from 'A' to 'y', as redis-cli's `'A' + rand() % ('z' - 'A')`.
    private static func value(_ random: inout SystemRandomNumberGenerator) -> [Character] {
        (0..<5).map { _ in Character(Unicode.Scalar(UInt8.random(in: 65..<122, using: &random))) }
    }

    private static func command(_ words: [String]) -> (item: ScriptItem, count: Int64) {
        (.command(words.map { Array($0.utf8) }), 1)
    }
}
