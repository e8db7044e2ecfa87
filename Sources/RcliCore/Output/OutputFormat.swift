/// The reply formats redis-cli offers.
package enum OutputFormat: Sendable, Equatable, CaseIterable {
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

extension OutputFormat {
    /// The option that asks for this format (`--no-raw` for the human one).
    package var option: String {
        switch self {
        case .tty: return "--no-raw"
        case .raw: return "--raw"
        case .csv: return "--csv"
        case .json: return "--json"
        case .quotedJSON: return "--quoted-json"
        }
    }
}
