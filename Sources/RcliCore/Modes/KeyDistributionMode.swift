import RESP
import RedisNet

/// `--keystats` (`--keystats-samples`, `--cursor`, `--top`): redis-cli 7.4's combination of
/// --bigkeys and --memkeys with size distributions. Each SCAN batch pipelines TYPE, then
/// MEMORY USAGE and the length command of each key. With `-c` every master is scanned.
/// On a terminal the block is redrawn in place every 300 ms. Ctrl-C stops after the batch in
/// flight, prints the report so far and the cursor to restart from (exit 0).
enum KeyDistributionMode {
    static func run(config: CLIConfiguration, transport: ServerDirectory, output: OutputContext) -> Int32 {
        let nodes = transport.servers(replicas: config.replicaReads)
        let out = output.out
        let tty = output.stdoutIsTerminal
        _ = InterruptSignal.install()
        do throws(RcliError) {
            let total = try KeyStatsMode.totalKeys(nodes)
            out.write(
                "\n# Scanning the entire keyspace to find the biggest keys and distribution information.\n"
                    + "# Use -i 0.1 to sleep 0.1 sec per 100 SCAN commands (not usually needed).\n"
                    + "# Use --cursor <n> to start the scan at the cursor <n> (usually after a Ctrl-C).\n"
                    + "# Use --top <n> to display <n> top key sizes (default is 10).\n"
                    + "# Ctrl-C to stop the scan.\n\n")
            out.flush()
            for node in nodes { try KeyStatsMode.readOnly(node.session) }
            var report = KeyDistributionReport(top: config.keystatsTop)
            let scan = KeySpaceScan(config, defaultCount: 10)
            var scans = 0
            var resumeAt: [UInt8]?
            var lastDraw = monotonicSeconds()
            var interrupted = false
            func pct() -> Double { total > 0 ? min(100, 100 * Double(report.sampled) / Double(total)) : 0 }
            let start = Array(String(config.scanCursor).utf8)
            for node in nodes where resumeAt == nil {
                try scan.forEachBatch(node.session, from: start) { conn, keys, next throws(RcliError) in
                    try measure(keys, conn: conn, config: config, into: &report, output: output)
                    scans += 1
                    if tty, monotonicSeconds() - lastDraw >= 0.3 {
                        lastDraw = monotonicSeconds()
                        // The whole block, then back up to its first line to draw over it.
                        let lines = report.lines()
                        out.write("\u{1B}[2K\r" + bar(pct()) + "\n")
                        for line in lines {
                            out.write("\u{1B}[2K\r")
                            out.write(line)
                            out.write("\n")
                        }
                        out.write("\u{1B}[\(lines.count + 1)A\r")
                        out.flush()
                    }
                    if config.interval > 0 && scans % 100 == 0 { interrupted = pause(config.interval) }
                    if interrupted || InterruptSignal.takePending() {
                        resumeAt = next
                        return false
                    }
                    return true
                }
            }
            if tty {
                out.write("\u{1B}[2K\r" + bar(pct()) + "\n")
            } else {
                out.write(System.cFormat("%6.2f%% keys scanned\n", pct()))
            }
            for line in report.lines() {
                if tty { out.write("\u{1B}[2K\r") }
                out.write(line)
                out.write("\n")
            }
            if let resumeAt {
                out.write("\nScan interrupted:\nUse '\(Voice.current.program) --keystats --cursor ")
                out.write(resumeAt)
                out.write("' to restart from the last cursor.\n")
            }
            out.flush()
            return 0
        } catch {
            return output.fail(error)
        }
    }

    /// `-i`'s sleep, cut short by Ctrl-C (then true).
    static func pause(_ seconds: Double) -> Bool {
        let end = monotonicSeconds() + seconds
        while true {
            if InterruptSignal.takePending() { return true }
            let left = end - monotonicSeconds()
            if left <= 0 { return false }
            System.sleep(seconds: min(left, 0.05))
        }
    }

    /// redis-cli's progress bar: the percentage, then 60 cells (rounded), green done and red to go.
    static func bar(_ pct: Double) -> String {
        let done = max(0, min(60, Int((pct * 60 / 100).rounded())))
        return System.cFormat("%6.2f%% ", pct) + "\u{1B}[32m" + String(repeating: "|", count: done) + "\u{1B}[31m"
            + String(repeating: "-", count: 60 - done) + "\u{1B}[39m"
    }

    /// TYPE for every key, then MEMORY USAGE and the length command, pipelined.
    private static func measure(
        _ keys: [[UInt8]], conn: Connection, config: CLIConfiguration, into report: inout KeyDistributionReport,
        output: OutputContext
    ) throws(RcliError) {
        guard !keys.isEmpty else { return }
        let typeReplies = try KeySpaceScan.pipeline(conn, keys.map { [Array("TYPE".utf8), $0] })
        var found: [(key: [UInt8], type: Int)] = []
        for (key, reply) in zip(keys, typeReplies) {
            if let name = try KeyStatsMode.typeName(reply, key: key) { found.append((key, report.typeIndex(name))) }
        }
        var commands: [[[UInt8]]] = []
        for f in found {
            var c: [[UInt8]] = [Array("MEMORY".utf8), Array("USAGE".utf8), f.key]
            if let n = config.memkeysSamples { c += [Array("SAMPLES".utf8), Array(String(n).utf8)] }
            commands.append(c)
            if let length = report.types[f.type].lengthCommand { commands.append([Array(length.utf8), f.key]) }
        }
        var replies = try KeySpaceScan.pipeline(conn, commands)[...]
        for f in found {
            let memory = replies.popFirst()
            let length = report.types[f.type].lengthCommand == nil ? nil : replies.popFirst()
            guard case .integer(let m) = memory else {
                warn("MEMORY USAGE", f.key, output)
                continue
            }
            var n: Int64 = 0
            if let length {
                guard case .integer(let l) = length else {
                    warn(report.types[f.type].lengthCommand ?? "", f.key, output)
                    continue
                }
                n = l
            }
            report.add(key: f.key, type: f.type, memory: Int(m), length: Int(n))
        }
    }

    private static func warn(_ command: String, _ key: [UInt8], _ output: OutputContext) {
        output.out.flush()
        output.err.write(
            "Warning:  \(command) on '\(String(decoding: key, as: UTF8.self))' failed (may have changed type)\n")
        output.err.flush()
    }
}
