import Cluster

/// Entering `-c` mode: the seed, the topology, and what is shown.
package enum ClusterMode {
    /// Opens the cluster pool from the seed. `.success(nil)` when the seed is not a cluster node:
    /// rcli then runs standalone after saying so once on stderr. A failure carries the exit status
    /// (the message is already printed): without a seed there is no slot map to work from.
    static func open(session: Session, output: OutputContext) -> Result<ClusterPool?, Int32Status> {
        let config = session.config
        let report: ((String) -> Void)? = config.verbose ? { text in
            output.out.flush()
            output.err.write("rcli: " + text + "\n")
            output.err.flush()
        } : nil
        do throws(SessionError) {
            guard let pool = try ClusterPool.open(session: session, report: report) else {
                output.err.write("rcli: \(session.endpoint) is not a cluster node (cluster support disabled); -c has no effect\n")
                output.err.flush()
                return .success(nil)
            }
            return .success(pool)
        } catch {
            return .failure(Int32Status(output.usageFailure(error.message)))
        }
    }

    /// What a cluster run shows beyond the replies: slot annotations on a terminal, redis-cli's
    /// redirect line in the shell, and `--verbose` reports.
    static func display(_ config: CLIConfiguration, output: OutputContext, interactive: Bool, annotations: Bool = true) -> ClusterRunner.Display {
        var d = ClusterRunner.Display()
        let format = config.outputFormat ?? (output.stdoutIsTerminal ? .tty : .raw)
        d.annotations = annotations && output.stdoutIsTerminal && format == .tty
        d.redirects = interactive
        d.verbose = config.verbose
        return d
    }
}

/// An exit status carried as an error.
struct Int32Status: Error {
    let status: Int32
    init(_ status: Int32) { self.status = status }
}
