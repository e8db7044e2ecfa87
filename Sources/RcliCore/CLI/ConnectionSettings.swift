import RedisNet

/// What a connection needs from the command line: where, as whom, which database and protocol,
/// and TLS. A session is made from these, not from the whole configuration.
package struct ConnectionSettings: Sendable {
    /// `-h`.
    package var host = "127.0.0.1"
    /// `-p`.
    package var port = 6379
    /// `-s`: a Unix socket path, which overrides host and port.
    package var socketPath: String?
    /// `--user`.
    package var user: String?
    /// `-n` or the URI's database.
    package var database = 0
    /// The protocol to negotiate (2 or 3).
    package var protocolVersion = 2
    /// `-t` (or a cluster node's default): connect timeout in seconds, for each address and
    /// then for the handshake's replies.
    package var connectTimeout: Double?
    /// `-t` was given: when the handshake has nothing else to say, a PING makes sure the server
    /// answers, so one that accepts connections and never answers (stopped, hung) fails to
    /// connect instead of hanging the first command. Not for the connect timeout rcli gives
    /// cluster nodes by itself (no extra round trip per node).
    package var pingsOnConnect = false
    /// How long the handshake's replies are waited for without `-t` (`--reply-timeout`).
    package var replyTimeout = 30.0
    /// `-4` / `-6`: which family of a host name's addresses is tried first.
    package var addressFamily = AddressFamily.any
    /// `--name`: the client name set on every connection.
    package var clientName: String?
    /// `--tls` or a `rediss://` URI.
    package var tls = false
    /// `--cacert`, `--cert`, `--insecure` ... (used only with `tls`).
    package var tlsOptions = TLSOptions()
    /// `--sni`: SNI and the expected certificate name for the server given.
    package var tlsSNI: String?
    /// The name a node's certificate must carry when it is not the host connected to.
    package var tlsName: String?
    /// `--tls-name-from-seed`.
    package var tlsNameFromSeed = false
    /// A cluster node's IP, dialled when `host` is a name it announces that does not resolve.
    package var fallbackHost: String?

    /// Defaults (127.0.0.1:6379, RESP2, no TLS).
    package init() {}
}

extension CLIConfiguration {
    /// The settings a connection takes from this configuration.
    package var connection: ConnectionSettings {
        var s = ConnectionSettings()
        s.host = host
        s.port = port
        s.socketPath = socketPath
        s.user = user
        s.database = database
        s.protocolVersion = effectiveProtocol
        s.connectTimeout = connectTimeout
        s.pingsOnConnect = connectTimeout != nil
        s.replyTimeout = replyTimeout
        s.addressFamily = addressFamily
        s.clientName = clientName
        s.tls = tls
        s.tlsOptions = tlsOptions
        s.tlsSNI = tlsSNI
        s.tlsName = tlsName
        s.tlsNameFromSeed = tlsNameFromSeed
        return s
    }
}
