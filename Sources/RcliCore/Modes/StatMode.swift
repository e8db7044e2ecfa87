import RESP

/// `--stat`: a line of server stats every `-i` seconds (default 1), redis-cli's columns and
/// header (repeated every 20 lines). With `-c` each line sums every master. A server that goes
/// away is reconnected to.
enum StatMode {
    static func run(_ config: CLIConfiguration, transport: ServerDirectory, output: OutputContext) -> Int32 {
        let nodes = transport.servers(replicas: false)
            .map { Reconnecting(session: $0.session, output: output) }
        let interval = config.interval > 0 ? config.interval : 1
        var previousRequests: Int?
        var lines = 0
        let out = output.out
        do throws(RcliError) {
            while true {
                var sum = InfoStats()
                for node in nodes {
                    let reply = try node.call([Array("INFO".utf8)])
                    if case .error(let msg) = reply {
                        out.write("ERROR: " + String(decoding: msg, as: UTF8.self) + "\n")
                        out.flush()
                        return 1
                    }
                    guard let text = reply.stringBytes else { throw RcliError.mode("Error: unexpected reply to INFO") }
                    sum.add(InfoStats(String(decoding: text, as: UTF8.self)))
                }
                if lines % 20 == 0 {
                    out.write("------- data ------ --------------------- load -------------------- - child -\n")
                    out.write("keys       mem      clients blocked requests            connections          \n")
                }
                lines += 1
                let delta = previousRequests.map { sum.requests - $0 } ?? 0
                previousRequests = sum.requests
                var line = pad("\(sum.keys)", 11) + pad(humanBytes(sum.memory), 8)
                line += " " + pad("\(sum.clients)", 8) + pad("\(sum.blocked)", 8)
                line += pad("\(sum.requests) (+\(delta))", 19) + " " + pad("\(sum.connections)", 12)
                line += sum.child + "\n"
                out.write(line)
                out.flush()
                System.sleep(seconds: interval)
            }
        } catch {
            return output.fail(error)
        }
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// redis-cli's bytesToHuman: 100B, 2.00K, 1.46M ...
    static func humanBytes(_ n: Int) -> String {
        let sign = n < 0 ? "-" : ""
        let v = Double(n.magnitude)
        let units: [(Double, String)] = [
            (1024, "K"), (1024 * 1024, "M"), (1024 * 1024 * 1024, "G"),
            (1024.0 * 1024 * 1024 * 1024, "T"), (1024.0 * 1024 * 1024 * 1024 * 1024, "P"),
        ]
        if v < 1024 { return "\(sign)\(n.magnitude)B" }
        var chosen = units[0]
        for u in units where v >= u.0 { chosen = u }
        return sign + System.cFormat("%.2f", v / chosen.0) + chosen.1
    }
}
