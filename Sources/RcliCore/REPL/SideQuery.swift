import RESP
import RedisNet

/// A command the shell sends by itself while the prompt waits (key counts before a risky
/// command, key names for completion, the help's COMMAND DOCS): nothing of the user's is in
/// flight then. Push messages that arrive meanwhile (RESP3) are skipped. A connection that
/// fails, stays silent for `seconds` or is given up on with Ctrl-C is dropped, so the next
/// command starts on a clean one; nil is returned.
enum SideQuery {
    static func send(_ session: Session, _ args: [String], seconds: Double = 2) -> RESPValue? {
        do throws(RcliError) {
            var connection = session.connection
            if connection == nil { connection = try session.connect() }
            guard let conn = connection else { return nil }
            do throws(NetError) {
                let deadline = monotonicSeconds() + seconds
                conn.enqueue(args.map { Array($0.utf8) })
                try conn.flush(wait: true, deadline: deadline)
                while true {
                    let value = try conn.nextValue(deadline: deadline)
                    if case .push = value { continue }
                    return value
                }
            } catch {
                session.disconnect()
                return nil
            }
        } catch {
            return nil
        }
    }
}
