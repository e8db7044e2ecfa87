/// The reply formats redis-cli offers.
package enum OutputFormat: Sendable, Equatable {
    /// Human-readable (`(integer) 1`, numbered arrays); the default on a terminal.
    case tty
    /// Raw bytes, one reply per line; the default when stdout is not a terminal.
    case raw
    /// `--csv`.
    case csv
    /// `--json`.
    case json
    /// `--quoted-json`.
    case quotedJSON
}
