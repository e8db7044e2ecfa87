/// Connection state a command changes, which a reconnect must restore.
package enum SessionChange: Sendable, Equatable {
    case auth(user: [UInt8]?, password: [UInt8])
    case protocolVersion(Int)
    case clientName([UInt8])
    case readOnly(Bool)
    /// RESET: database 0, RESP2, no client name, READWRITE, no subscriptions (the credentials
    /// stay, for a reconnect, as redis-cli keeps them).
    case reset
}
