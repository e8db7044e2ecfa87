import RESP
import RedisNet

/// One of the reports: fed batch by batch, then summed up.
protocol KeyReport {
    var sampled: Int { get }
    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double,
        output: OutputContext) throws(RcliError)
    func summary(out: OutputSink)
}
