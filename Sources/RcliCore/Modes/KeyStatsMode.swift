import RESP
import RedisNet

/// `--bigkeys`, `--memkeys` (`--memkeys-samples`) and `--hotkeys`: redis-cli's reports, built
/// from SCAN batches with the TYPE, size and OBJECT FREQ commands pipelined per batch. With
/// `-c` one report covers every shard (read from replicas with `--replica-reads`), and the
/// summary names the node of each key. READONLY goes to every node first (redis-cli 7.4).
enum KeyStatsMode {
    static func run(_ kind: KeyStatsKind, config: CLIConfiguration, transport: ServerDirectory, output: OutputContext)
        -> Int32
    {
        let nodes = transport.servers(replicas: config.replicaReads)
        let out = output.out
        let tty = output.stdoutIsTerminal
        _ = InterruptSignal.install()
        do throws(RcliError) {
            let total = try KeyStatsMode.totalKeys(nodes)
            out.write(
                "\n# Scanning the entire keyspace to find \(kind == .frequency ? "hot" : "biggest") keys as well as\n")
            out.write("# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n")
            out.write("# per 100 SCAN commands (not usually needed).\n\n")
            out.flush()
            for node in nodes { try readOnly(node.session) }
            var report: KeyReport = kind == .frequency ? HotKeysReport() : BigKeysReport(memory: kind == .memory)
            let scan = KeySpaceScan(config)
            var scans = 0
            var batchPct = 0.0
            var interrupted = false
            var lastDraw = monotonicSeconds()
            func pct() -> Double { total > 0 ? 100 * Double(report.sampled) / Double(total) : 0 }
            for node in nodes where !interrupted {
                try scan.forEachBatch(node.session, from: Array("0".utf8)) { conn, keys, _ throws(RcliError) in
                    batchPct = pct()
                    try report.add(
                        keys, conn: conn, node: node.label, config: config, pct: batchPct, tty: tty, output: output)
                    scans += 1
                    // On a terminal redis-cli 7.4 redraws its block at most every 300 ms.
                    if tty, monotonicSeconds() - lastDraw >= 0.3 {
                        lastDraw = monotonicSeconds()
                        let lines = report.liveLines()
                        draw(pct(), report, lines: lines, out: out, up: lines.count + 3)
                    }
                    out.flush()
                    if config.interval > 0 && scans % 100 == 0 {
                        interrupted = KeyDistributionMode.pause(config.interval)
                    }
                    if interrupted || InterruptSignal.takePending() {
                        interrupted = true
                        return false
                    }
                    return true
                }
            }
            if tty {
                // The last frame clears the lines under "Keys sampled" and goes back up as many
                // (not to the bar): the summary comes after a blank line.
                draw(pct(), report, lines: [[UInt8]](repeating: [], count: report.clearedLines - 1), out: out, up: 0)
                out.write("\u{1B}[\(report.clearedLines)A\r")
            }
            out.write("\n-------- summary -------\n\n")
            if !tty {
                // Ctrl-C: the percentage scanned (before the last batch) leads the line.
                if interrupted { out.write(System.cFormat("[%05.2f%%] ", batchPct)) }
                out.write("Sampled \(report.sampled) keys in the keyspace!\n")
            }
            report.summary(out: out)
            out.flush()
            return 0
        } catch {
            return output.fail(error)
        }
    }

    /// redis-cli 7.4's block on a terminal: the progress bar, "Keys sampled: N", a blank line
    /// and `lines`, then the cursor `up` lines back up (to the bar: lines + 3).
    private static func draw(_ pct: Double, _ report: KeyReport, lines: [[UInt8]], out: OutputSink, up: Int) {
        out.write("\u{1B}[2K\r" + KeyDistributionMode.bar(pct) + "\n")
        out.write("\u{1B}[2K\rKeys sampled: \(report.sampled)\n")
        for line in [[]] + lines {
            out.write("\u{1B}[2K\r")
            out.write(line)
            out.write("\n")
        }
        if up > 0 { out.write("\u{1B}[\(up)A\r") }
    }

    /// The keys of every node scanned (DBSIZE each), for the progress percentages.
    static func totalKeys(_ nodes: [(session: Session, label: String)]) throws(RcliError) -> Int {
        var total = 0
        for node in nodes {
            let conn = try node.session.connect()
            guard case .integer(let n) = try KeySpaceScan.call(conn, [Array("DBSIZE".utf8)]) else {
                throw RcliError.mode("Couldn't determine DBSIZE!")
            }
            total += Int(n)
        }
        return total
    }

    /// The type in a TYPE reply for `key`, nil for `none` (the key went away since SCAN); an
    /// error or another kind of reply ends the scan with redis-cli's words.
    static func typeName(_ reply: RESPValue, key: [UInt8]) throws(RcliError) -> String? {
        switch reply {
        case .simpleString(let t), .bulkString(let t):
            let name = String(decoding: t, as: UTF8.self)
            return name == "none" ? nil : name
        case .error(let msg):
            throw RcliError.mode("TYPE returned an error: " + String(decoding: msg, as: UTF8.self))
        default:
            throw RcliError.mode(
                "Invalid reply type for TYPE on key " + String(decoding: BigKeysReport.repr(key), as: UTF8.self))
        }
    }

    /// READONLY, as redis-cli 7.4 sends before scanning, so a cluster replica answers TYPE and
    /// the size commands itself instead of redirecting them. A server without cluster support,
    /// or one that does not know the command, is fine as it is; any other refusal stops the run.
    static func readOnly(_ session: Session) throws(RcliError) {
        let reply = try KeySpaceScan.call(try session.connect(), [Array("READONLY".utf8)])
        guard case .error(let msg) = reply else { return }
        let text = String(decoding: msg, as: UTF8.self)
        if text.hasPrefix("ERR This instance has cluster support disabled") || text.hasPrefix("ERR unknown command") {
            return
        }
        throw RcliError.mode("Error: " + text)
    }

}
