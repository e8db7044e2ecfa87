import RESP
import RedisNet

/// A command sent to a server that may go away (`--stat`, `--latency*`): a lost connection is
/// reopened once a second, with redis-cli's "Reconnecting... N" (on the terminal's line, or on
/// stderr when stdout is not a terminal), until the server answers again.
final class Reconnecting {
    private let session: Session
    private let output: OutputContext
    private var answered = false

    init(session: Session, output: OutputContext) {
        self.session = session
        self.output = output
    }

    /// The reply to `args`, reconnecting as often as needed once the server has answered; an
    /// error reply is returned as is. Failing before any answer (a wrong host or password) is
    /// an `RcliError`.
    func call(_ args: [[UInt8]]) throws(RcliError) -> RESPValue {
        var tries = 0
        while true {
            let why: RcliError
            do throws(RcliError) {
                let conn = try session.connect()
                do throws(NetError) {
                    let reply = try conn.roundTrip(args)
                    answered = true
                    return reply
                } catch {
                    throw .network(error)
                }
            } catch {
                why = error
            }
            if !answered { throw why }
            tries += 1
            report(tries, why.text)
            session.disconnect()
            System.sleep(seconds: 1)
        }
    }

    private func report(_ tries: Int, _ why: String) {
        if output.stdoutIsTerminal {
            output.out.write("\r\u{1b}[0KReconnecting... \(tries)\r")
            output.out.flush()
        } else {
            output.err.write("Reconnecting... \(tries) (\(why))\n")
            output.err.flush()
        }
    }
}
