import Cluster
import RESP

/// `--scan [--pattern p] [--count n] [-i sec]`: every key, one per line (quoted as redis-cli does
/// on a terminal or with --no-raw, raw bytes otherwise). With `-c`, every master is scanned.
/// COUNT defaults to 1000 (redis-cli 7.0 sends none, so the server's 10: a round trip per ten keys).
package enum ScanMode {
    /// Runs the scan; exit status 1 on an error reply or a lost connection.
    package static func run(_ config: CLIConfiguration, session: Session, cluster: ClusterPool?, output: OutputContext) -> Int32 {
        let quoted = (config.outputFormat ?? (output.stdoutIsTerminal ? .tty : .raw)) == .tty
        var sessions: [Session] = []
        if let cluster {
            sessions = cluster.router.map.masters.map { cluster.template.forNode(host: $0.host, port: $0.port, readOnly: false) }
        } else {
            sessions = [session]
        }
        for node in sessions {
            if let failure = scan(node, config: config, quoted: quoted, out: output.out) {
                return output.usageFailure(failure)
            }
        }
        output.out.flush()
        return 0
    }

    /// Scans one server to the end; returns an error message on failure.
    private static func scan(_ session: Session, config: CLIConfiguration, quoted: Bool, out: OutputSink) -> String? {
        var cursor: [UInt8] = Array("0".utf8)
        repeat {
            var args: [[UInt8]] = [Array("SCAN".utf8), cursor]
            if let pattern = config.scanPattern { args += [Array("MATCH".utf8), pattern] }
            args += [Array("COUNT".utf8), Array(String(config.scanCount ?? 1000).utf8)]
            let reply: RESPValue
            do {
                let conn = try session.connect()
                reply = try conn.roundTrip(args)
            } catch let e as SessionError {
                return e.message
            } catch {
                return "Error: \(error)"
            }
            if case .error(let msg) = reply { return "Error: " + String(decoding: msg, as: UTF8.self) }
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].stringBytes,
                  case .array(let keys) = parts[1] else {
                return "Error: unexpected reply to SCAN"
            }
            for key in keys {
                guard let bytes = key.stringBytes else { continue }
                if quoted { Escaping.appendRepr(bytes, to: &out.buffer) } else { out.buffer += bytes }
                out.buffer.append(10)
            }
            out.flushIfLarge()
            cursor = next
            if config.interval > 0 {
                out.flush()
                System.sleep(seconds: config.interval)
            }
        } while cursor != Array("0".utf8)
        return nil
    }
}
