import RESP
import RedisNet

/// `--replica`: poses as a replica (SYNC, the data set skipped) and prints every command the
/// master propagates, as CSV, until the master closes the connection.
package enum ReplicaMode {
    /// Runs until the master goes away (status 1, with a line saying so) or Ctrl-C.
    package static func run(_ config: CLIConfiguration, session: Session, output: OutputContext) -> Int32 {
        guard let conn = output.connect(session) else { return 1 }
        let sync = ReplicationSync(conn: conn)
        do throws(RcliError) {
            // An empty filter asks a 7.0 server for an RDB without data: nothing to skip.
            let payload = try sync.start(
                replconf: [
                    (option: ["capa", "eof"], required: false),
                    (option: ["rdb-filter-only", ""], required: false),
                ], output: output)
            let primary = Voice.current.primary
            switch payload {
            case .length(let n): output.err.write("SYNC with \(primary), discarding \(n) bytes of bulk transfer...\n")
            case .eofMark:
                output.err.write("SYNC with \(primary), discarding bytes of bulk transfer until EOF marker...\n")
            }
            output.err.flush()
            let total = try sync.readPayload(payload) { _ in nil }
            output.err.write("SYNC done after \(total) bytes. Logging commands from \(Voice.current.primary).\n")
            output.err.flush()
        } catch {
            return output.fail(error)
        }
        // A diskless master streams commands only once the replica acknowledges the payload,
        // and an acknowledgement that arrives before the master has finished its side is
        // ignored: acknowledge every second, as a real replica does.
        let formatter = Formatters.make(.csv)
        var builder = RESPValueBuilder()
        var lastAck = 0.0
        do {
            while true {
                if monotonicSeconds() - lastAck >= 1 {
                    // Announced once, as redis-cli (which acknowledges only once) does.
                    if lastAck == 0 {
                        output.err.write("sending REPLCONF ACK 0\n")
                        output.err.flush()
                    }
                    conn.enqueue(["REPLCONF", "ACK", "0"].map { Array($0.utf8) })
                    try conn.flush(wait: true)
                    lastAck = monotonicSeconds()
                }
                while let event = try conn.bufferedEvent() {
                    if let value = builder.feed(event) { formatter.format(value, into: &output.out.buffer) }
                }
                output.out.flush()
                if try !conn.receive() { _ = try conn.waitReadable(until: monotonicSeconds() + 1) }
            }
        } catch {
            output.out.flush()
            // redis-cli's words ("Error: Server closed the connection", status 1): scripts grep them.
            return output.fail(.network(error))
        }
    }
}
