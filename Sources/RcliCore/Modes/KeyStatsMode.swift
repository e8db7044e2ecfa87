import RESP
import RedisNet

/// `--bigkeys`, `--memkeys` (`--memkeys-samples`) and `--hotkeys`: redis-cli's reports, built
/// from SCAN batches with the TYPE, size and OBJECT FREQ commands pipelined per batch. With
/// `-c` one report covers every shard (read from replicas with `--replica-reads`), and the
/// summary names the node of each key.
enum KeyStatsMode {
    static func run(_ kind: KeyStatsKind, config: CLIConfiguration, transport: Transport, output: OutputContext)
        -> Int32
    {
        let nodes = transport.servers(replicas: config.replicaReads)
        let out = output.out
        do throws(RcliError) {
            var total = 0
            for node in nodes {
                let conn = try node.session.connect()
                guard case .integer(let n) = try KeySpaceScan.call(conn, [Array("DBSIZE".utf8)]) else {
                    throw RcliError.mode("Couldn't determine DBSIZE!")
                }
                total += Int(n)
            }
            out.write(
                "\n# Scanning the entire keyspace to find \(kind == .frequency ? "hot" : "biggest") keys as well as\n")
            out.write("# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n")
            out.write("# per 100 SCAN commands (not usually needed).\n\n")
            out.flush()
            var report: KeyReport = kind == .frequency ? HotKeysReport() : BigKeysReport(memory: kind == .memory)
            let scan = KeySpaceScan(config)
            var scans = 0
            for node in nodes {
                try scan.forEachBatch(node.session) { conn, keys throws(RcliError) in
                    let pct = total > 0 ? 100 * Double(report.sampled) / Double(total) : 0
                    try report.add(keys, conn: conn, node: node.label, config: config, pct: pct, output: output)
                    out.flush()
                    scans += 1
                    if config.interval > 0 && scans % 100 == 0 { System.sleep(seconds: config.interval) }
                }
            }
            out.write("\n-------- summary -------\n\n")
            report.summary(out: out)
            out.flush()
            return 0
        } catch {
            return output.fail(error)
        }
    }

    /// `'"key"'` as redis-cli quotes key names in these reports.
    static func quoted(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        Escaping.appendRepr(key, to: &out)
        out.append(UInt8(ascii: "'"))
        return out
    }
}
