import RESP
import RedisNet

/// `--rdb <file|->` and `--functions-rdb <file>`: the server's RDB (or only its functions)
/// fetched over the replication protocol, written to a file that appears only when the
/// transfer succeeded. Messages on stderr as redis-cli's.
package enum RDBMode {
    /// Runs the transfer.
    package static func run(
        _ config: CLIConfiguration, path: String, functionsOnly: Bool, session: Session,
        output: OutputContext
    ) -> Int32 {
        let file: TransferFile
        switch TransferFile.open(path) {
        case .success(let f): file = f
        case .failure(let e): return output.fail(e)
        }
        guard let conn = output.connect(session) else {
            file.abandon()
            return 1
        }
        var replconf = [(option: ["capa", "eof"], required: false), (option: ["rdb-only", "1"], required: false)]
        if functionsOnly { replconf.append((option: ["rdb-filter-only", "functions"], required: true)) }
        let sync = ReplicationSync(conn: conn)
        do throws(RcliError) {
            let payload = try sync.start(replconf: replconf, output: output)
            let primary = Voice.current.primary
            switch payload {
            case .length(let n): output.err.write("SYNC sent to \(primary), writing \(n) bytes to '\(path)'\n")
            case .eofMark:
                output.err.write(
                    "SYNC sent to \(primary), writing bytes of bulk transfer until EOF marker to '\(path)'\n")
            }
            output.err.flush()
            let total = try sync.readPayload(payload) { file.write($0) }
            session.disconnect()
            if let e = file.commit() { return output.fail(.mode(e)) }
            switch payload {
            case .length: output.err.write("Transfer finished with success.\n")
            case .eofMark: output.err.write("Transfer finished with success after \(total) bytes\n")
            }
            output.err.flush()
            return 0
        } catch {
            file.abandon()
            return output.fail(error)
        }
    }
}
