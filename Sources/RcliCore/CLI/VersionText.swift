import RedisNet

/// `--version`: `rcli <version>` first (the form redis-cli's `redis-cli 7.0.15` has, which
/// scripts read), then the git commit the binary was built from and the OpenSSL it uses for TLS.
package enum VersionText {
    /// The three lines, for a binary built from `commit`.
    package static func make(commit: String) -> String {
        let openSSL: String
        switch TLSContext.libraryVersion() {
        case .success(let version): openSSL = version + " (libssl, loaded when TLS is used)"
        case .failure(let error): openSSL = "OpenSSL not found (\(error)); TLS is unavailable"
        }
        return "rcli \(HelpText.version)\ngit commit \(commit)\n\(openSSL)\n"
    }
}
