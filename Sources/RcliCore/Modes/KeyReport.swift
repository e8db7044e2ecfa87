import RESP
import RedisNet

/// One of the reports of `--bigkeys`, `--memkeys` and `--hotkeys`: fed batch by batch, then
/// summed up. Off a terminal `add` prints redis-cli's `[xx.xx%] ...found so far` lines; on one
/// (`tty`), redis-cli 7.4 draws a live block instead, with `liveLines` under its progress bar.
protocol KeyReport {
    var sampled: Int { get }
    /// How many lines the last frame on a terminal clears under "Keys sampled" (redis-cli 7.4:
    /// one per type of --bigkeys/--memkeys, 17 for --hotkeys).
    var clearedLines: Int { get }
    mutating func add(
        _ keys: [[UInt8]], conn: Connection, node: String, config: CLIConfiguration, pct: Double, tty: Bool,
        output: OutputContext) throws(RcliError)
    /// The lines of the live block under "Keys sampled" and a blank line.
    func liveLines() -> [[UInt8]]
    /// The summary after "Sampled N keys in the keyspace!".
    func summary(out: OutputSink)
}
