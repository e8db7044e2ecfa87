import RESP
import RedisNet

/// Many nodes asked at once: every node's commands written before any reply is read, so the
/// nodes work at the same time and a round costs one round trip, not one per node.
extension ManagedCluster {
    /// Each node's commands, written to every node before any reply is read; the replies come
    /// back per node, in order (a node whose connection fails gets a shorter list). Nodes buffer
    /// their replies, so writing all first cannot deadlock.
    func pipelineMany(_ work: [(node: ManagerNode, commands: [[[UInt8]]])], seconds: Double = 60) -> [[RESPValue]] {
        pipelineMany(
            sessions: work.map { (sessions[$0.node.id] ?? session(for: $0.node), $0.commands) },
            seconds: seconds
        )
        .map(\.replies)
    }

    /// The same, each node's commands run in `database` (see `session(for:database:)`); a
    /// connection that cannot be opened or fails gives a shorter list and says why. `each` is
    /// called with every node's answer (its index in `work`) as soon as it and those before it
    /// are read, so a caller can print in order while later nodes are still answering.
    func pipelineMany(
        inDatabases work: [(node: ManagerNode, database: Int, commands: [[[UInt8]]])], seconds: Double = 60,
        each: ((Int, (replies: [RESPValue], error: String?)) -> Void)? = nil
    ) -> [(replies: [RESPValue], error: String?)] {
        pipelineMany(
            sessions: work.map { (session(for: $0.node, database: $0.database), $0.commands) }, seconds: seconds,
            each: each)
    }

    /// The same for sessions (nodes not loaded yet).
    func pipelineMany(
        sessions work: [(Session, [[[UInt8]]])], seconds: Double,
        each: ((Int, (replies: [RESPValue], error: String?)) -> Void)? = nil
    ) -> [(replies: [RESPValue], error: String?)] {
        let sent = work.map { send($0.0, $0.1) }
        let deadline = monotonicSeconds() + seconds
        var answers: [(replies: [RESPValue], error: String?)] = []
        answers.reserveCapacity(work.count)
        for (i, (item, entry)) in zip(work, sent).enumerated() {
            let answer: (replies: [RESPValue], error: String?)
            switch entry {
            case .success(let conn): answer = receive(item.0, conn, count: item.1.count, deadline: deadline)
            case .failure(let error): answer = ([], error.text)
            }
            each?(i, answer)
            answers.append(answer)
        }
        return answers
    }

    /// Connects `session` (unless connected) and writes `commands`; the connection, or why not.
    func send(_ session: Session, _ commands: [[[UInt8]]]) -> Result<Connection, RcliError> {
        do throws(RcliError) {
            let conn = try connected(session)
            for command in commands { conn.enqueue(command) }
            do throws(NetError) {
                try conn.flush(wait: true)
                return .success(conn)
            } catch {
                session.disconnect()
                return .failure(.network(error))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Reads `count` replies from `session`'s connection `conn`; fewer, and why, when it fails
    /// (the session is then disconnected).
    func receive(_ session: Session, _ conn: Connection, count: Int, deadline: Double)
        -> (replies: [RESPValue], error: String?)
    {
        var replies: [RESPValue] = []
        replies.reserveCapacity(count)
        do throws(NetError) {
            while replies.count < count { replies.append(try conn.nextValue(deadline: deadline)) }
        } catch {
            session.disconnect()
            return (replies, error.description)
        }
        return (replies, nil)
    }
}
