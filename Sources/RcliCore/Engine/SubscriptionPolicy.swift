/// What SUBSCRIBE (or PSUBSCRIBE, SSUBSCRIBE) does to a run's input; each mode picks one in its
/// `Pipeline.Settings`.
package enum SubscriptionPolicy: Sendable, Equatable {
    /// Messages stream until Ctrl-C and input stops there (one-shot commands, `-r`, `--pipe`).
    case stream
    /// Later commands go on the subscribed connection and messages print between the replies as
    /// they come, where the transport tells messages from replies (`separatesMessages`). The
    /// shell: it runs a line at a time and waits for messages between lines itself.
    case keepInput
    /// As `keepInput`, and the end of input while subscribed waits for messages until the last
    /// subscription ends or Ctrl-C, which then leaves subscribed mode instead of ending rcli:
    /// the piped session (`rcli < script`, redis-cli 7.2).
    case keepInputAndWait

    /// SUBSCRIBE leaves the input going.
    package var keepsInput: Bool { self != .stream }
    /// The end of input waits while subscribed (and Ctrl-C then leaves subscribed mode).
    package var waitsAtEndOfInput: Bool { self == .keepInputAndWait }
}
