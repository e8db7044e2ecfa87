/// How much may be in flight at once.
package enum WindowPolicy: Sendable, Equatable {
    /// At most this many commands sent and not yet answered.
    case commands(Int)
    /// `--pipe`: input is read while the transport has fewer than this many bytes unsent.
    case unsentBytes(Int)
}
