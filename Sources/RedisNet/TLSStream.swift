import COpenSSL

/// TLS settings from the command line (`--cacert`, `--cert`, ...).
package struct TLSOptions: Sendable, Equatable {
    /// `--cacert`: trusted CA certificates (PEM file).
    package var caFile: String?
    /// `--cacertdir`: a directory of trusted CA certificates (hashed, as `c_rehash` makes).
    package var caDirectory: String?
    /// `--cert`: the client certificate, for mutual TLS.
    package var certFile: String?
    /// `--key`: the client certificate's private key.
    package var keyFile: String?
    /// `--tls-ciphers` (TLS 1.2).
    package var ciphers: String?
    /// `--tls-ciphersuites` (TLS 1.3).
    package var cipherSuites: String?
    /// `--insecure`: no certificate or name checks at all.
    package var insecure = false

    /// Defaults: the system trust store, full verification.
    package init() {}
}

/// One OpenSSL client context (`SSL_CTX`) for a run: trust store, client certificate, ciphers.
/// Made the first time a TLS connection is opened, so plain runs never initialise OpenSSL.
package final class TLSContext {
    let ctx: OpaquePointer
    /// The options it was made from.
    package let options: TLSOptions

    /// A context for `options`; a configuration problem (unreadable CA, key that does not
    /// match the certificate ...) is one line naming the file and the cause.
    package init(_ options: TLSOptions) throws(NetError) {
        if let reason = Self.loadLibrary() { throw .tls("cannot load OpenSSL (\(reason)); install libssl3") }
        guard let ctx = rcli_SSL_CTX_new(rcli_TLS_client_method()) else {
            throw .tls("cannot create a TLS context: " + TLSContext.drainErrors())
        }
        self.ctx = ctx
        self.options = options
        _ = rcli_ssl_ctx_set_min_tls12(ctx)
        _ = rcli_ssl_ctx_auto_retry_off(ctx)
        rcli_ssl_ctx_set_verify_peer(ctx, options.insecure ? 0 : 1)
        if options.caFile != nil || options.caDirectory != nil {
            for (path, what) in [
                (options.caFile, "CA certificate file"), (options.caDirectory, "CA certificate directory"),
            ] {
                if let path, access(path, R_OK) != 0 {
                    throw .tls("cannot read the \(what) \(path): \(errnoDescription(errno))")
                }
            }
            rcli_ERR_clear_error()
            if rcli_SSL_CTX_load_verify_locations(ctx, options.caFile, options.caDirectory) != 1 {
                throw .tls(
                    "cannot load the CA certificates from \(options.caFile ?? options.caDirectory ?? ""): "
                        + TLSContext.drainErrors())
            }
        } else if rcli_SSL_CTX_set_default_verify_paths(ctx) != 1 {
            throw .tls("cannot load the system's trusted certificates: " + TLSContext.drainErrors())
        }
        switch (options.certFile, options.keyFile) {
        case (nil, nil):
            break
        case (let cert?, let key?):
            if access(cert, R_OK) != 0 {
                throw .tls("cannot read the client certificate \(cert): \(errnoDescription(errno))")
            }
            rcli_ERR_clear_error()
            if rcli_SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 {
                throw .tls("\(cert) is not a PEM certificate: " + TLSContext.drainErrors())
            }
            rcli_ERR_clear_error()
            switch rcli_ssl_ctx_use_key(ctx, key) {
            case 0: break
            case 1: throw .tls("cannot read the private key \(key): \(errnoDescription(errno))")
            case 2: throw .tls("\(key) is not a PEM private key (or it is protected by a passphrase)")
            default: throw .tls("the private key \(key) does not match the client certificate \(cert)")
            }
        default:
            throw .tls("--cert and --key go together (mutual TLS needs both)")
        }
        if let ciphers = options.ciphers, rcli_SSL_CTX_set_cipher_list(ctx, ciphers) != 1 {
            throw .tls("invalid --tls-ciphers '\(ciphers)': " + TLSContext.drainErrors())
        }
        if let suites = options.cipherSuites, rcli_SSL_CTX_set_ciphersuites(ctx, suites) != 1 {
            throw .tls("invalid --tls-ciphersuites '\(suites)': " + TLSContext.drainErrors())
        }
    }

    deinit {
        rcli_SSL_CTX_free(ctx)
    }

    /// Loads libssl (once); nil when loaded, else why it cannot be.
    private static func loadLibrary() -> String? {
        var why = [CChar](repeating: 0, count: 256)
        guard rcli_openssl_load(&why, why.count) != 1 else { return nil }
        return String(decoding: why.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The OpenSSL TLS connections use (`OpenSSL 3.0.17 1 Jul 2025`), loading it now, or why it
    /// cannot be loaded (for `--version`).
    package static func libraryVersion() -> Result<String, NetError> {
        if let reason = loadLibrary() { return .failure(.tls(reason)) }
        guard let text = rcli_OpenSSL_version(OPENSSL_VERSION) else { return .failure(.tls("no version text")) }
        return .success(String(cString: text))
    }

    /// OpenSSL's error queue as one line (reason strings, oldest first), and empties it.
    static func drainErrors() -> String {
        var reasons: [String] = []
        while true {
            let code = rcli_ERR_get_error()
            if code == 0 { break }
            if let r = rcli_ERR_reason_error_string(code) {
                let text = String(cString: r)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                reasons.append("error \(code)")
            }
        }
        return reasons.isEmpty ? "unknown TLS error" : reasons.joined(separator: ": ")
    }
}

/// Where a TLS connection goes, as far as certificates are concerned.
package struct TLSPeer: Sendable, Equatable {
    /// The name the certificate must carry (a DNS name, or an IP address for IP SANs).
    package var expectedName: String
    /// Server Name Indication; nil for IP addresses (SNI carries host names only).
    package var sni: String?

    /// Checks `expectedName`; sends `sni` when it is a host name.
    package init(expectedName: String, sni: String?) {
        self.expectedName = expectedName
        self.sni = sni
    }
}

/// A TLS session over a connected socket. The handshake (and the certificate and name checks)
/// complete before anything is sent, step by step (`handshakeStep`), driven by `Dialer`.
final class TLSStream: ByteStream {
    private let socket: Socket
    private let ssl: OpaquePointer
    private let peer: TLSPeer
    private let insecure: Bool
    private let endpoint: Endpoint

    /// A session over `socket`, its handshake not started.
    init(socket: Socket, context: TLSContext, peer: TLSPeer, endpoint: Endpoint) throws(NetError) {
        guard let ssl = rcli_SSL_new(context.ctx) else {
            throw .tls("cannot create a TLS session: " + TLSContext.drainErrors())
        }
        self.socket = socket
        self.ssl = ssl
        self.peer = peer
        self.insecure = context.options.insecure
        self.endpoint = endpoint
        _ = rcli_ssl_enable_partial_writes(ssl)
        rcli_SSL_set_fd(ssl, socket.fd)
        rcli_SSL_set_connect_state(ssl)
        if let sni = peer.sni, !sni.isEmpty { _ = rcli_ssl_set_sni(ssl, sni) }
    }

    /// The error a handshake that ran out of time is reported as.
    static func handshakeTimedOut(_ endpoint: Endpoint) -> NetError {
        .connect(endpoint, reason: "SSL_connect failed: the TLS handshake timed out (is this a TLS port?)")
    }

    /// Takes the handshake as far as it goes without waiting: nil once it is complete (and the
    /// peer's name checked), else what the socket must be ready for before the next step.
    func handshakeStep() throws(NetError) -> Interest? {
        rcli_ERR_clear_error()
        let r = rcli_SSL_connect(ssl)
        if r != 1 {
            let e = rcli_SSL_get_error(ssl, r)
            switch e {
            case SSL_ERROR_WANT_READ: return .read
            case SSL_ERROR_WANT_WRITE: return .write
            default:
                throw .connect(endpoint, reason: "SSL_connect failed: " + handshakeFailure(e))
            }
        }
        // The chain was verified during the handshake; the name is checked here, before anything
        // is sent, so the message can say whom the certificate is for.
        if !insecure && rcli_peer_matches(ssl, peer.expectedName, isIPAddress(peer.expectedName) ? 1 : 0) != 1 {
            var names = [CChar](repeating: 0, count: 512)
            rcli_peer_names(ssl, &names, names.count)
            let list = String(decoding: names.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .connect(
                endpoint,
                reason: "SSL_connect failed: certificate verify failed: hostname mismatch (expected "
                    + "\(peer.expectedName), certificate is for \(list.isEmpty ? "no name" : list))")
        }
        return nil
    }

    deinit {
        rcli_SSL_free(ssl)
    }

    private func handshakeFailure(_ code: Int32) -> String {
        let verify = rcli_SSL_get_verify_result(ssl)
        if verify != X509_V_OK {
            _ = TLSContext.drainErrors()
            return "certificate verify failed: " + String(cString: rcli_X509_verify_cert_error_string(Int(verify)))
        }
        if code == SSL_ERROR_SYSCALL && rcli_ERR_peek_error() == 0 {
            let e = errno
            return e == 0
                ? "the server closed the connection during the TLS handshake (is this a TLS port?)"
                : errnoDescription(e)
        }
        if code == SSL_ERROR_ZERO_RETURN {
            return "the server closed the connection during the TLS handshake"
        }
        let text = TLSContext.drainErrors()
        if text.contains("wrong version number") || text.contains("packet length too long") {
            return text + " (the server does not speak TLS on this port?)"
        }
        return text
    }

    var descriptor: Int32 { socket.fd }

    var hasBufferedInput: Bool { rcli_SSL_pending(ssl) > 0 }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(NetError) -> SystemCallResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .done(0) }
        rcli_ERR_clear_error()
        let r = rcli_SSL_read(ssl, base, Int32(min(buffer.count, Int(Int32.max))))
        if r > 0 { return .done(Int(r)) }
        return try failure(rcli_SSL_get_error(ssl, r), call: "read")
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws(NetError) -> SystemCallResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .done(0) }
        rcli_ERR_clear_error()
        let r = rcli_SSL_write(ssl, base, Int32(min(buffer.count, Int(Int32.max))))
        if r > 0 { return .done(Int(r)) }
        return try failure(rcli_SSL_get_error(ssl, r), call: "write")
    }

    private func failure(_ code: Int32, call: String) throws(NetError) -> SystemCallResult {
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN:
            return .done(0)
        case SSL_ERROR_SYSCALL where rcli_ERR_peek_error() == 0:
            let e = errno
            if e == 0 || isPeerGone(e) { throw .closed }
            throw .io(SystemError(call: call, code: e))
        default:
            let text = TLSContext.drainErrors()
            if text.contains("unexpected eof") { throw .closed }
            throw .tls(text)
        }
    }

    func isClosedWhileIdle() -> Bool {
        guard !Reactor.readinessNow(socket.fd, .read).isEmpty else { return false }
        var byte: UInt8 = 0
        rcli_ERR_clear_error()
        let r = rcli_SSL_peek(ssl, &byte, 1)
        if r > 0 { return false }
        let e = rcli_SSL_get_error(ssl, r)
        _ = TLSContext.drainErrors()
        return !(e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
    }
}
