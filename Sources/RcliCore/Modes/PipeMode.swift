import RESP
import RedisNet

/// `--pipe`: stdin is raw protocol for the server, written as fast as it takes it; replies are
/// counted (errors printed on stderr) as they come. At the end of input an ECHO of 20 random
/// bytes is sent, and its reply marks the end, as in redis-cli. Output and exit status follow
/// redis-cli: `errors: N, replies: M`, status 1 when any reply was an error. Unlike redis-cli,
/// stdin is checked (`PipeInput`): malformed input stops the transfer at the bad command, with
/// its byte offset, and the replies to what was sent are still collected.
package enum PipeMode {
    /// Runs the transfer.
    package static func run(_ config: CLIConfiguration, session: Session, output: OutputContext) -> Int32 {
        guard let conn = output.connect(session) else { return 1 }
        var magic = [UInt8](repeating: 0, count: 20)
        if case .success(let random) = System.readFile("/dev/urandom", limit: 20), random.count == 20 { magic = random }
        for i in magic.indices { magic[i] = UInt8(ascii: "a") + magic[i] % 26 }

        var input: [UInt8] = []
        var checked = PipeInput()
        var bad: ModeFailure?
        var inputDone = false
        var inputReady = true
        var echoSent = false
        var errors = 0, replies = 0
        var depth = 0
        var lastReply = monotonicSeconds()
        var current: RESPValue?
        do {
            while true {
                // Keep at most ~256 KB queued: stdin is read only as fast as the server takes it.
                let backlog = conn.bytesQueued - conn.bytesWritten
                if !inputDone && backlog < 256 * 1024 && inputReady {
                    inputReady = false
                    input.removeAll(keepingCapacity: true)
                    switch System.read(0, appendingTo: &input, max: 256 * 1024) {
                    case .success(0):
                        inputDone = true
                        do throws(ModeFailure) { try checked.finish() } catch { bad = error }
                    case .success:
                        checked.feed(input)
                        let complete = checked.takeComplete()
                        conn.enqueueRaw(Array(complete.bytes))
                        if let failure = complete.failure {
                            // Send nothing from the bad command on; collect the replies to what was sent.
                            bad = failure
                            inputDone = true
                        }
                    case .failure(let e): return output.usageFailure("Error reading from stdin: \(e.description)")
                    }
                    if let bad, inputDone {
                        output.err.write(bad.message + "\n")
                        output.err.flush()
                    }
                }
                if inputDone && !echoSent {
                    conn.enqueue([Array("ECHO".utf8), magic])
                    echoSent = true
                    output.out.write("All data transferred. Waiting for the last reply...\n")
                    output.out.flush()
                }
                try conn.flush(wait: false)
                while let event = try conn.bufferedEvent() {
                    switch event {
                    case .begin: depth += 1
                    case .end: depth -= 1
                    case .scalar(let v): if depth == 0 { current = v }
                    }
                    guard depth == 0 else { continue }
                    lastReply = monotonicSeconds()
                    if echoSent, case .some(.bulkString(let b)) = current, b == magic {
                        output.out.write("Last reply received from server.\nerrors: \(errors), replies: \(replies)\n")
                        output.out.flush()
                        return errors > 0 || bad != nil ? 1 : 0
                    }
                    if case .some(.error(let msg)) = current {
                        errors += 1
                        output.err.write(msg + [10])
                        output.err.flush()
                    }
                    replies += 1
                    current = nil
                }
                var fds: [(fd: Int32, interest: Interest)] = [(conn.descriptor, conn.hasPendingOutput ? [.read, .write] : .read)]
                let wantInput = !inputDone && conn.bytesQueued - conn.bytesWritten < 256 * 1024
                if wantInput { fds.append((0, .read)) }
                if conn.hasBufferedInput { try conn.receive(); continue }
                var deadline: Double?
                if echoSent && config.pipeTimeout > 0 {
                    let left = lastReply + config.pipeTimeout - monotonicSeconds()
                    if left <= 0 {
                        return output.usageFailure("No replies for \(Int(config.pipeTimeout)) seconds: exiting.")
                    }
                    deadline = lastReply + config.pipeTimeout
                }
                let ready = try Reactor.wait(for: fds, until: deadline)
                if wantInput && !ready[1].isEmpty { inputReady = true }
                if ready[0].contains(.writable) { try conn.flush(wait: false) }
                if ready[0].readOrHangup { try conn.receive() }
            }
        } catch let e as NetError {
            // What the server acknowledged before it went away; the rest may or may not have run.
            output.out.write("errors: \(errors), replies: \(replies)\n")
            let sent = echoSent ? "all input was sent" : "input was still being sent"
            return output.usageFailure("Error: \(e.description); the server acknowledged \(replies) commands (\(errors) errors) "
                                       + "before the connection was lost (\(sent)); later ones may or may not have run")
        } catch {
            return output.usageFailure("Error: \(error)")
        }
    }
}
