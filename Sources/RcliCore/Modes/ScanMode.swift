import Cluster
import RESP

/// `--scan [--pattern p] [--count n] [-i sec]`: every key, one per line (quoted as redis-cli does
/// on a terminal or with --no-raw, raw bytes otherwise). With `-c`, every master is scanned.
/// COUNT defaults to 1000 (redis-cli 7.0 sends none, so the server's 10: a round trip per ten keys).
package enum ScanMode {
    /// Runs the scan; exit status 1 on an error reply or a lost connection.
    package static func run(_ config: CLIConfiguration, transport: ServerDirectory, output: OutputContext) -> Int32 {
        let quoted = (config.outputFormat ?? (output.stdoutIsTerminal ? .tty : .raw)) == .tty
        let scan = KeySpaceScan(config)
        let out = output.out
        do throws(RcliError) {
            for node in transport.servers(replicas: false) {
                try scan.forEachBatch(node.session, prefetch: config.interval == 0) { _, keys throws(RcliError) in
                    for key in keys {
                        if quoted { Escaping.appendRepr(key, to: &out.buffer) } else { out.buffer += key }
                        out.buffer.append(10)
                    }
                    out.flushIfLarge()
                    if config.interval > 0 {
                        out.flush()
                        System.sleep(seconds: config.interval)
                    }
                }
            }
        } catch {
            return output.fail(error)
        }
        out.flush()
        return 0
    }
}
