/// Connection state a command changes, which a reconnect must restore.
package enum SessionChange: Sendable, Equatable {
    case auth(user: [UInt8]?, password: [UInt8])
    case protocolVersion(Int)
    case clientName([UInt8])
    case readOnly(Bool)
}
