import RESP
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
        let source = Batch(keys: keys)
        while true {
            let start = monotonicSeconds()
            sink.hits = 0
            sink.misses = 0
            while monotonicSeconds() - start < cycle {
                for counting in [false, true] {
                    sink.counting = counting
                    source.begin(gets: counting)
                    _ = engine.run(source)
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

    fileprivate static let set = Array("SET".utf8)
    fileprivate static let get = Array("GET".utf8)

    fileprivate static func key(_ keys: Int64, _ random: inout FastRandom) -> [UInt8] {
        var key = Array("lru:".utf8)
        RESPEncoder.appendDecimal(Int(keyNumber(keys, r: Double.random(in: 0...1, using: &random))), to: &key)
        return key
    }

    /// Five characters from 'A' to 'y', as redis-cli's `'A' + rand() % ('z' - 'A')`.
    fileprivate static func value(_ random: inout FastRandom) -> [UInt8] {
        (0..<5).map { _ in UInt8.random(in: 65..<122, using: &random) }
    }

    /// One batch of commands, made as the engine takes them (no list of them is built): `batch`
    /// SETs, or as many GETs.
    final class Batch: CommandSource {
        private let keys: Int64
        private var random = FastRandom()
        private var left = 0
        private var gets = false

        init(keys: Int64) {
            self.keys = keys
        }

        /// A new batch of SETs, or of GETs.
        func begin(gets: Bool) {
            self.gets = gets
            left = LRUTestMode.batch
        }

        func next() -> ScriptItem? {
            guard left > 0 else { return nil }
            left -= 1
            let k = key(keys, &random)
            return .command(gets ? [get, k] : [set, k, value(&random)])
        }

        var inputDescriptor: Int32? { nil }
        func readAvailable() throws(RcliError) {}
        var isExhausted: Bool { left == 0 }
    }
}
