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
}
