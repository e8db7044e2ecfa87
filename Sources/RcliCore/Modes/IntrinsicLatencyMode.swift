import RedisNet

/// `--intrinsic-latency <seconds>`: how long this machine keeps a busy process from running,
/// measured without any server. Ctrl-C ends the test early with the summary.
enum IntrinsicLatencyMode {
    static func run(seconds: Int, output: OutputContext) -> Int32 {
        let interrupt = InterruptSignal.install()
        let out = output.out
        let testStart = microseconds()
        let testEnd = testStart + Int64(seconds) * 1_000_000
        var maxLatency: Int64 = 0
        var runs: Int64 = 0
        var sink: UInt8 = 0
        var state = [UInt8](repeating: 0, count: 256)
        while true {
            let start = microseconds()
            sink &+= busyWork(&state, seed: sink)
            let end = microseconds()
            let latency = end - start
            runs += 1
            if latency > maxLatency {
                maxLatency = latency
                out.write("Max latency so far: \(maxLatency) microseconds.\n")
                out.flush()
            }
            var stop = end > testEnd
            if !stop, runs % 4096 == 0, interrupt != nil, InterruptSignal.takePending() { stop = true }
            if stop {
                let averageMicros = Double(end - testStart) / Double(runs)
                out.write(
                    System.cFormat(
                        "\n%lld total runs (avg latency: %.4f microseconds / %.2f nanoseconds per run).\n",
                        runs, averageMicros, averageMicros * 1000))
                out.write(
                    System.cFormat(
                        "Worst run took %.0fx longer than the average latency.\n",
                        Double(maxLatency) / averageMicros))
                out.flush()
                return sink == 0xFF && runs < 0 ? 1 : 0
            }
        }
    }

    private static func microseconds() -> Int64 { Int64(monotonicSeconds() * 1_000_000) }

    /// A few hundred nanoseconds of work the optimiser cannot drop (the result feeds the next run).
    @inline(never)
    private static func busyWork(_ s: inout [UInt8], seed: UInt8) -> UInt8 {
        for k in 0..<256 { s[k] = UInt8(k) &+ seed }
        var i: UInt8 = 0
        var j: UInt8 = 0
        for _ in 0..<1000 {
            i &+= 1
            j &+= s[Int(i)]
            s.swapAt(Int(i), Int(j))
        }
        return s[Int(i &+ j)]
    }
}
