/// How a shell command the shell ran (`reply | command`) ended. Its status is its own, never
/// rcli's.
package enum ShellCommandEnd: Equatable, Sendable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal ended it (SIGINT after Ctrl-C).
    case signalled(Int32)
    /// It was stopped (Ctrl-Z): rcli has no job control, so it was ended.
    case stopped
}
