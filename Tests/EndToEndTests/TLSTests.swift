import Foundation
import Testing

/// `--tls` against redis-servers with certificates made at test time (scripts/tls-fixture).
@Suite struct TLSTests {
    let dir: String
    init() throws {
        dir = try TestEnvironment.port("RCLI_TEST_TLS_DIR")
    }

    private func ca() -> [String] { ["--tls", "--cacert", dir + "/ca.crt"] }
    private func client(_ key: String = "client") -> [String] {
        ["--cert", dir + "/client.crt", "--key", dir + "/\(key).key"]
    }

    @Test func verifiedConnectionsWorkInEveryMode() throws {
        let port = try TestEnvironment.port("RCLI_TEST_TLS_PORT")
        let p = uniquePrefix()
        #expect(try rcli(ca() + ["-p", port, "ping"]).out == "PONG\n")
        #expect(try rcli(ca() + ["-h", "localhost", "-p", port, "ping"]).out == "PONG\n", "a DNS name SAN")
        #expect(try rcli(["-u", "rediss://127.0.0.1:\(port)", "--cacert", dir + "/ca.crt", "ping"]).out == "PONG\n")
        // A pipelined script over TLS: many records, replies in order (decrypted bytes that poll
        // cannot see must still be read).
        var script = ""
        for i in 0..<5000 { script += "set \(p)\(i) \(String(repeating: "v", count: i % 300 + 1))\nget \(p)\(i)\n" }
        let r = try rcli(ca() + ["-p", port], stdin: script)
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 10_001)
        if lines.count == 10_001 {
            for i in stride(from: 0, to: 5000, by: 499) {
                #expect(
                    lines[2 * i] == "OK" && lines[2 * i + 1] == Substring(String(repeating: "v", count: i % 300 + 1)))
            }
        }
        // Same output as redis-cli --tls on a large reply.
        let big = try rcli(
            ca() + [
                "-p", port, "--no-raw", "eval", "local t = {} for i=1,20000 do t[i] = 'element-' .. i end return t",
                "0",
            ])
        let theirs = try redisCli(
            ca() + [
                "-p", port, "--no-raw", "eval", "local t = {} for i=1,20000 do t[i] = 'element-' .. i end return t",
                "0",
            ])
        #expect(big.out == theirs.out)
        #expect(big.stdout.count > 300_000)
    }

    @Test func theHostNameIsCheckedUnlikeRedisCli() throws {
        let wrong = try TestEnvironment.port("RCLI_TEST_TLS_WRONGNAME_PORT")
        let r = try rcli(ca() + ["-p", wrong, "ping"])
        #expect(r.status == 1)
        #expect(r.out == "")
        #expect(
            r.err == "Could not connect to Redis at 127.0.0.1:\(wrong): SSL_connect failed: certificate verify failed: "
                + "hostname mismatch (expected 127.0.0.1, certificate is for evil.example.com)\n")
        // redis-cli accepts it: the certificate chain is valid.
        #expect(try redisCli(ca() + ["-p", wrong, "ping"]).out == "PONG\n")
        // The name to expect can be given with --sni.
        #expect(try rcli(ca() + ["--sni", "evil.example.com", "-p", wrong, "ping"]).out == "PONG\n")
        let good = try TestEnvironment.port("RCLI_TEST_TLS_PORT")
        #expect(
            try rcli(ca() + ["--sni", "evil.example.com", "-p", good, "ping"]).err.contains(
                "certificate is for localhost, 127.0.0.1"))
        // --insecure skips every check, and says so.
        let insecure = try rcli(["--tls", "--insecure", "-p", wrong, "ping"])
        #expect(insecure.out == "PONG\n")
        #expect(insecure.err == "Warning: --insecure: the server's certificate and host name are not checked.\n")
    }

    @Test func badCertificatesAndFilesAreOneClearLine() throws {
        let expired = try TestEnvironment.port("RCLI_TEST_TLS_EXPIRED_PORT")
        let good = try TestEnvironment.port("RCLI_TEST_TLS_PORT")
        let cases: [([String], String)] = [
            (
                ca() + ["-p", expired, "ping"],
                "Could not connect to Redis at 127.0.0.1:\(expired): SSL_connect failed: "
                    + "certificate verify failed: certificate has expired\n"
            ),
            (
                ["--tls", "--cacert", dir + "/otherca.crt", "-p", good, "ping"],
                "Could not connect to Redis at 127.0.0.1:\(good): SSL_connect failed: certificate "
                    + "verify failed: self-signed certificate in certificate chain\n"
            ),
            (
                ["--tls", "--cacert", dir + "/missing.crt", "-p", good, "ping"],
                "TLS configuration: cannot read the CA certificate file \(dir)/missing.crt: No such file or directory\n"
            ),
            (
                ["--tls", "--cacertdir", dir + "/missing", "-p", good, "ping"],
                "TLS configuration: cannot read the CA certificate directory \(dir)/missing: No "
                    + "such file or directory\n"
            ),
            (
                ["--tls", "--cacert", dir + "/garbage.key", "-p", good, "ping"],
                "TLS configuration: cannot load the CA certificates from \(dir)/garbage.key: no "
                    + "certificate or crl found\n"
            ),
            (
                ca() + client("stray") + ["-p", good, "ping"],
                "TLS configuration: the private key \(dir)/stray.key does not match the client "
                    + "certificate \(dir)/client.crt\n"
            ),
            (
                ca() + client("garbage") + ["-p", good, "ping"],
                "TLS configuration: \(dir)/garbage.key is not a PEM private key (or it is protected by a passphrase)\n"
            ),
            (
                ca() + client("missing") + ["-p", good, "ping"],
                "TLS configuration: cannot read the private key \(dir)/missing.key: No such file or directory\n"
            ),
            (
                ca() + ["--cert", dir + "/client.crt", "-p", good, "ping"],
                "TLS configuration: --cert and --key go together (mutual TLS needs both)\n"
            ),
            (
                ca() + ["--tls-ciphers", "NOPE", "-p", good, "ping"],
                "TLS configuration: invalid --tls-ciphers 'NOPE': no cipher match\n"
            ),
            (
                ca() + ["-p", try TestEnvironment.port(), "ping"],
                "Could not connect to Redis at 127.0.0.1:\(try TestEnvironment.port()): SSL_connect "
                    + "failed: the TLS handshake timed out (is this a TLS port?)\n"
            ),
            (["-p", good, "ping"], "Error: Server closed the connection without a reply (a TLS port? try --tls)\n"),
        ]
        for (args, message) in cases {
            let r = try rcli(args + ["-t", "1"], timeout: 15)
            #expect(r.status == 1, "\(args)")
            #expect(r.err == message, "\(args)")
            #expect(r.out == "", "\(args)")
        }
    }

    @Test func mutualTLS() throws {
        let port = try TestEnvironment.port("RCLI_TEST_TLS_MTLS_PORT")
        #expect(try rcli(ca() + client() + ["-p", port, "ping"]).out == "PONG\n")
        let without = try rcli(ca() + ["-p", port, "ping"])
        #expect(without.status == 1)
        #expect(
            without.err.contains("certificate required") || without.err.contains("client certificate"), "\(without.err)"
        )
    }

    @Test func aStalledHandshakeTimesOut() throws {
        // A listener that accepts and never answers.
        let server = try FakeServer(reply: [], holdOpen: 10)
        let start = Date()
        let r = try rcli(ca() + ["-t", "1", "-p", "\(server.port)", "ping"], timeout: 15)
        #expect(r.status == 1)
        #expect(
            r.err
                == "Could not connect to Redis at 127.0.0.1:\(server.port): SSL_connect failed: the "
                + "TLS handshake timed out (is this a TLS port?)\n"
        )
        #expect(Date().timeIntervalSince(start) < 5)
        // A peer that closes in the middle of a TLS record.
        let cut = try FakeServer(reply: [0x16, 0x03, 0x03, 0x00, 0x50, 0x02, 0x00])
        let c = try rcli(ca() + ["-t", "2", "-p", "\(cut.port)", "ping"], timeout: 15)
        #expect(c.status == 1)
        #expect(
            c.err.hasPrefix("Could not connect to Redis at 127.0.0.1:\(cut.port): SSL_connect failed: "), "\(c.err)")
        #expect(c.err.split(separator: "\n").count == 1)
    }

    @Test func tlsClusterVerifiesEveryNodeByItsAnnouncedName() throws {
        let ports = try TestEnvironment.port("RCLI_TEST_TLS_CLUSTER_PORTS").split(separator: ",").map(String.init)
        let p = uniquePrefix()
        var script = ""
        for i in 0..<300 { script += "set \(p)\(i) \(i)\n" }
        script += "mget \(p)1 \(p)2 \(p)3 \(p)4\n"
        let r = try rcli(ca() + ["-c", "-p", ports[0], "--verbose"], stdin: script)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == String(repeating: "OK\n", count: 300) + "1\n2\n3\n4\n")
        #expect(r.err.contains("3 masters"))
        #expect(r.err.contains("0 redirects"))
        // --sni names the seed only; the other nodes are checked against the names they announce.
        let wrongSNI = try rcli(ca() + ["-c", "-p", ports[0], "--sni", "localhost", "mget", "\(p)1", "\(p)2", "\(p)3"])
        #expect(wrongSNI.out == "1\n2\n3\n", "\(wrongSNI.err)")
        var del = "del"
        for i in 0..<300 { del += " \(p)\(i)" }
        #expect(try rcli(ca() + ["-c", "-p", ports[1]], stdin: del + "\n").out == "300\n")
    }

    /// The cluster manager over TLS (the fixture's TLS cluster is itself made by rcli's create):
    /// every node is reached and verified by the name it announces; a CA that did not sign them
    /// is one clear line naming the failure, and exit 1.
    @Test func clusterManagerVerifiesEveryNodeOverTLS() throws {
        let ports = try TestEnvironment.port("RCLI_TEST_TLS_CLUSTER_PORTS").split(separator: ",").map(String.init)
        let check = try rcli(ca() + ["--cluster", "check", "127.0.0.1:\(ports[0])"], environment: ["TERM": "dumb"])
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(check.out.contains("[OK] All 16384 slots covered."))
        #expect(check.out.contains(" localhost:\(ports[1])\n") && check.out.contains(" localhost:\(ports[2])\n"))
        let untrusted = try rcli(
            ["--tls", "--cacert", dir + "/wrongname.crt", "--cluster", "check", "127.0.0.1:\(ports[0])"])
        #expect(untrusted.status == 1)
        #expect(untrusted.err.contains("certificate verify failed"), "\(untrusted.err)")
    }
}

extension TLSTests {
    /// The tool modes over TLS: --pipe, --bigkeys, --rdb, --latency, and --pipe -c on the TLS cluster.
    @Test func toolModesWorkOverTLS() throws {
        let port = try TestEnvironment.port("RCLI_TEST_TLS_PORT")
        let p = uniquePrefix()
        var input = ""
        for i in 0..<2000 {
            input += "*3\r\n$5\r\nRPUSH\r\n$\(p.utf8.count + 1)\r\n\(p)l\r\n$\(String(i).utf8.count)\r\n\(i)\r\n"
        }
        let piped = try rcli(ca() + ["-p", port, "--pipe"], stdin: input)
        #expect(piped.status == 0 && piped.out.hasSuffix("errors: 0, replies: 2000\n"), "\(piped.out)\(piped.err)")
        let big = try rcli(ca() + ["-p", port, "--bigkeys", "--pattern", p + "*"])
        #expect(big.out.contains("Biggest   list found \"\(p)l\" has 2000 items\n"), "\(big.out)")
        let dir = try scratchDirectory("tlsrdb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rdb = try rcli(ca() + ["-p", port, "--rdb", dir.appendingPathComponent("tls.rdb").path])
        #expect(rdb.status == 0 && rdb.err.contains("Transfer finished with success"), "\(rdb.err)")
        let size =
            (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("tls.rdb").path)[.size]
                as? Int) ?? 0
        #expect(size > 2000)
        let latency = try rcli(ca() + ["-p", port, "--latency", "-i", "0.3"])
        #expect(latency.status == 0 && latency.out.split(separator: " ").count == 4, "\(latency.out)")
        _ = try rcli(ca() + ["-p", port, "del", p + "l"])

        let ports = try TestEnvironment.port("RCLI_TEST_TLS_CLUSTER_PORTS").split(separator: ",").map(String.init)
        var sets = ""
        for i in 0..<1000 { sets += "SET \(p)\(i) \(i)\r\n" }
        let cluster = try rcli(ca() + ["-c", "-p", ports[0], "--pipe"], stdin: sets)
        #expect(
            cluster.status == 0 && cluster.out.hasSuffix("errors: 0, replies: 1000\n"), "\(cluster.out)\(cluster.err)")
        #expect(
            cluster.out.split(separator: "\n").filter { $0.hasPrefix("localhost:") || $0.hasPrefix("127.0.0.1:") }.count
                == 3)
        var del = "del"
        for i in 0..<1000 { del += " \(p)\(i)" }
        #expect(try rcli(ca() + ["-c", "-p", ports[1]], stdin: del + "\n").out == "1000\n")
    }
}

extension TLSTests {
    /// Plain runs must not pay for OpenSSL: the binary does not link it, TLS loads it on demand.
    @Test func theBinaryDoesNotLinkOpenSSL() throws {
        let ldd = try run("/usr/bin/ldd", [TestEnvironment.rcli])
        #expect(ldd.status == 0)
        #expect(!ldd.out.contains("libssl") && !ldd.out.contains("libcrypto"), "\(ldd.out)")
    }
}
