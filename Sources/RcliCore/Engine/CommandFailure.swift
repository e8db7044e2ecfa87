import Cluster

/// Why a command has no reply. Rendered by `RcliError.text`.
package enum CommandFailure: Error, Sendable, Equatable {
    /// The connection was lost after the command was written.
    case unknownOutcome(reason: String, node: NodeAddress)
    /// The router gave up (retry budget, redirect loop, slot not served ...).
    case routing(RouteFailure)
    /// A node could not be reached for a command that cannot go elsewhere (a pinned transaction).
    case unreachable(String)
    /// No connection is left that could answer.
    case noConnection
    /// The server an earlier SHUTDOWN of this run stopped could not be reached again (`why`:
    /// the connection error, as redis-cli prints it for each command after a SHUTDOWN). As in
    /// redis-cli, it is reported and the run goes on: neither `-e` nor the exit status count it.
    case serverShutDown(why: String)

    /// False for what redis-cli reports without failing the run (see `serverShutDown`).
    package var failsRun: Bool {
        if case .serverShutDown = self { return false }
        return true
    }
}
