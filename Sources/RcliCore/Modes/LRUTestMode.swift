import Cluster
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

/// Counts the GET replies of `--lru-test`: nil is a miss, an error goes to stderr, anything
/// else is a hit. A run that ends in a failure (the server lost) is noted for the mode.
final class LRUTestSink: ReplySink {
    private let err: OutputSink
    /// Replies are GETs being counted (false while the SETs run).
    var counting = false
    var hits = 0
    var misses = 0
    /// The last run ended in a failure.
    private(set) var failed = false

    init(err: OutputSink) {
        self.err = err
    }

    func beginRun(now: Double) {
        failed = false
    }

    func replyBegins(for item: Pipeline.Item?) {}

    func replyEvent(_ event: RESPEvent, first: Bool, last: Bool) -> Bool {
        guard first else { return false }
        switch event {
        case .scalar(let value): return count(value)
        case .begin, .end: return count(.array([]))
        }
    }

    func deliver(_ entry: Pipeline.Entry, now: Double) -> Bool {
        switch entry.outcome {
        case .value(let value, _)?: return count(value)
        case .failed?:
            failed = true
            return true
        default: return false
        }
    }

    private func count(_ value: RESPValue) -> Bool {
        guard counting else { return value.isError }
        switch value {
        case .error(let msg):
            err.write(msg + [10])
            err.flush()
            return true
        case .null: misses += 1
        default: hits += 1
        }
        return false
    }

    func push(_ part: ReplyPart) {}
    func stream(_ part: ReplyPart) {}
    func lost(_ count: Int, node: NodeAddress, reason: String) { failed = true }
    func note(_ error: RcliError) {}
    func inputEnded() {}

    func endRun(_ pipeline: Pipeline, failure: RcliError?) {
        if failure != nil { failed = true }
    }

    func flush() { err.flush() }
}
