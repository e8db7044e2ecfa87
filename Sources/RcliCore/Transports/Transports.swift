import Cluster

/// Builds the transport a configuration asks for, once per run.
enum Transports {
    /// With `-c`, the cluster the seed belongs to (when the seed is not a cluster node, rcli says
    /// so once on stderr and runs standalone; when it refuses to tell the topology, commands go
    /// to it and redirects are followed); otherwise the one server.
    static func open(_ config: CLIConfiguration, session: Session, output: OutputContext) -> Result<
        ShellTransport, RcliError
    > {
        if config.sentinel.master != nil {
            let sentinel = SentinelTransport(config: config, session: session, output: output)
            if let error = sentinel.open() { return .failure(error) }
            return .success(sentinel)
        }
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
        let notice: (String) -> Void = { text in
            output.out.flush()
            output.err.write(text + "\n")
            output.err.flush()
        }
        do throws(RcliError) {
            var policy = ClusterRouter.Policy()
            policy.replicaReads = config.replicaReads
            policy.retryBudget = config.retryBudget
            guard
                let pool = try ClusterPool.open(
                    session: session, policy: policy, natMap: config.natMap, report: report,
                    noticeFallback: config.verbose || System.isTerminal(2) ? notice : nil)
            else {
                output.err.write(
                    "rcli: \(session.endpoint) is not a cluster node (cluster support disabled); -c has no effect\n")
                output.err.flush()
                return .success(nil)
            }
            return .success(
                ClusterTransport(
                    pool: pool, replyTimeout: config.replyTimeout, retryWrites: config.retryWrites, report: report,
                    summary: notice))
        } catch {
            return .failure(error)
        }
    }
}
