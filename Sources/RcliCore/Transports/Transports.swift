import Cluster

/// Builds the transport a configuration asks for, once per run.
enum Transports {
    /// With `-c`, the cluster the seed belongs to (when the seed is not a cluster node, rcli says
    /// so once on stderr and runs standalone); otherwise the one server. Failing to read the
    /// topology is a failure: without it there is no slot map to work from.
    static func open(_ config: CLIConfiguration, session: Session, output: OutputContext) -> Result<
        Transport, RcliError
    > {
        guard config.cluster else { return .success(StandaloneTransport(session: session)) }
        switch cluster(session: session, config: config, output: output) {
        case .success(let cluster?): return .success(cluster)
        case .success(nil): return .success(StandaloneTransport(session: session))
        case .failure(let error): return .failure(error)
        }
    }

    /// The cluster `session`'s server belongs to; nil (said once on stderr) when it is not a
    /// cluster node.
    static func cluster(session: Session, config: CLIConfiguration, output: OutputContext) -> Result<
        ClusterTransport?, RcliError
    > {
        let report: ((String) -> Void)? =
            config.verbose
            ? { text in
                output.out.flush()
                output.err.write("rcli: " + text + "\n")
                output.err.flush()
            } : nil
        do throws(RcliError) {
            var policy = ClusterRouter.Policy()
            policy.replicaReads = config.replicaReads
            guard
                let pool = try ClusterPool.open(session: session, policy: policy, natMap: config.natMap, report: report)
            else {
                output.err.write(
                    "rcli: \(session.endpoint) is not a cluster node (cluster support disabled); -c has no effect\n")
                output.err.flush()
                return .success(nil)
            }
            return .success(ClusterTransport(pool: pool, replyTimeout: config.replyTimeout, report: report))
        } catch {
            return .failure(error)
        }
    }
}
