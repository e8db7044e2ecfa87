import Cluster
import RedisNet

/// Every failure rcli reports, as a value; `text` renders it (redis-cli's wording where it has
/// one, `Error: ...` elsewhere). Nothing is matched on message text.
package enum RcliError: Error, Sendable {
    /// A bad command line, option value or input; the text is printed as is.
    case usage(String)
    /// A connection could not be made (`Could not connect to Redis at ...`, a TLS setup problem).
    case connect(NetError)
    /// A connection failed while in use (`Error: ...`).
    case network(NetError)
    /// Input could not be read; the text is printed as is.
    case input(String)
    /// The handshake was refused: `step` (`AUTH`, `SELECT 2` ...) and the server's error.
    case handshake(step: String, reply: String)
    /// The one connection was lost with commands in flight; `silent`: before it said anything.
    case connectionLost(NetError, silent: Bool, tls: Bool)
    /// A command has no reply.
    case command(CommandFailure)
    /// A mode's own failure, with its text (redis-cli's where it has one).
    case mode(String)
    /// `--pipe`: the server was lost after acknowledging `replies` commands.
    case pipeLost(NetError, replies: Int, errors: Int, inputDone: Bool)
    /// `--pipe-timeout`: no reply for that many seconds once input had ended.
    case noReplies(seconds: Int)
    /// The seed is not a cluster node (cluster support disabled).
    case notACluster(Endpoint)
    /// The cluster topology could not be read from a node.
    case topology(Endpoint, TopologyProblem)
    /// A link that streamed messages (SUBSCRIBE in a cluster) was lost.
    case streamLost(reason: String, node: NodeAddress)
    /// Ctrl-C ended a connect or a handshake (the shell): the prompt comes back, nothing is said.
    case interrupted

    /// Why a topology could not be read.
    package enum TopologyProblem: Sendable {
        /// The node answered with an error.
        case refused(String)
        /// The reply is not a topology.
        case malformed(String)
        /// The node could not be asked.
        case unreachable(NetError)

        /// True when `-c` goes on without a topology, following redirects (refused, closed or
        /// unanswered); a malformed reply, bytes that are not RESP or a TLS failure is an error.
        var meansFollowRedirects: Bool {
            switch self {
            case .refused, .unreachable(.closed), .unreachable(.timeout), .unreachable(.io): return true
            // Bytes that are not RESP, or a TLS failure: the seed is not what it seems.
            case .malformed, .unreachable: return false
            }
        }

        /// The problem in a few words.
        var summary: String {
            switch self {
            case .refused(let reply): return reply
            case .malformed(let what): return what
            case .unreachable(let e): return e.description
            }
        }
    }

    /// One line for stderr.
    package var text: String {
        switch self {
        case .usage(let text), .mode(let text), .input(let text):
            return text
        case .connect(let e):
            if case .tls(let what) = e { return "TLS configuration: " + what }
            return e.description
        case .network(let e):
            return "Error: " + e.description
        case .handshake(let step, let reply):
            return "\(step) failed: \(reply)"
        case .connectionLost(let e, let silent, let tls):
            guard case .closed = e, silent else { return "Error: " + e.description }
            return tls
                ? "Error: Server closed the TLS connection without a reply (does it require a "
                    + "client certificate? --cert and --key)"
                : "Error: Server closed the connection without a reply (a TLS port? try --tls)"
        case .command(let failure):
            return Self.text(failure)
        case .pipeLost(let e, let replies, let errors, let inputDone):
            let sent = inputDone ? "all input was sent" : "input was still being sent"
            return "Error: \(e.description); the server acknowledged \(replies) commands (\(errors) errors) "
                + "before the connection was lost (\(sent)); later ones may or may not have run"
        case .noReplies(let seconds):
            return "No replies for \(seconds) seconds: exiting."
        case .notACluster(let endpoint):
            return "\(endpoint) is not a cluster node (cluster support disabled)"
        case .topology(let endpoint, .refused(let reply)):
            return "Error: cannot read the cluster topology from \(endpoint): \(reply)"
        case .topology(let endpoint, .unreachable(let e)):
            return "Error: cannot read the cluster topology from \(endpoint): \(e.description)"
        case .topology(let endpoint, .malformed(let what)):
            return "Error: \(endpoint): \(what)"
        case .streamLost(let reason, let node):
            return "Error: \(reason) (\(node))"
        case .interrupted:
            return "Interrupted"
        }
    }

    private static func text(_ failure: CommandFailure) -> String {
        switch failure {
        case .unknownOutcome(let reason, let node):
            return "Error: \(reason) (\(node)); the command may or may not have run"
        case .routing(let why):
            return why.text
        case .unreachable(let why):
            return why
        case .noConnection:
            return "Error: no connection left to answer this command"
        case .serverShutDown(let why):
            return why
        }
    }
}
