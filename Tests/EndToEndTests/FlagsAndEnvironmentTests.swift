import Foundation
import Testing

/// redis-cli 7.4 / 8.x flags (`-4`, `-6`, `--name`) and valkey-cli's URIs and environment.
@Suite struct FlagsAndEnvironmentTests {
    @Test func valkeyURIsConnectLikeRedisOnes() throws {
        let auth = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let r = try rcli(["-u", "valkey://:s3cret@127.0.0.1:\(auth)/2", "--no-auth-warning", "client", "info"])
        #expect(r.status == 0)
        #expect(r.out.contains(" db=2 "))
        let user = try rcli(["-u", "VALKEY://alice:wonderland@127.0.0.1:\(auth)", "--no-auth-warning", "acl", "whoami"])
        #expect(user.out == "alice\n")
        let dir = try TestEnvironment.port("RCLI_TEST_TLS_DIR")
        let tls = try TestEnvironment.port("RCLI_TEST_TLS_PORT")
        let secure = try rcli(["-u", "valkeys://127.0.0.1:\(tls)", "--cacert", dir + "/ca.crt", "ping"])
        #expect(secure.out == "PONG\n")
        let bad = try rcli(["-u", "valkeyz://127.0.0.1", "ping"])
        #expect(bad.status == 1 && bad.err == "Invalid URI scheme\n")
    }

    @Test func valkeyCliAuthIsReadWhenRedisCliOneIsUnset() throws {
        let auth = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        #expect(try rcli(["-p", auth, "ping"], environment: ["VALKEYCLI_AUTH": "s3cret"]).out == "PONG\n")
        // REDISCLI_AUTH wins when both are set.
        let both = try rcli(["-p", auth, "ping"], environment: ["VALKEYCLI_AUTH": "s3cret", "REDISCLI_AUTH": "nope"])
        #expect(both.status == 1)
        #expect(both.err.hasPrefix("AUTH failed: WRONGPASS"))
        let reverse = try rcli(
            ["-p", auth, "ping"], environment: ["VALKEYCLI_AUTH": "nope", "REDISCLI_AUTH": "s3cret"])
        #expect(reverse.out == "PONG\n")
    }

    @Test func valkeyCliHistoryFileIsUsed() throws {
        let port = try TestEnvironment.port()
        let home = try scratchDirectory("home")
        let file = home.appendingPathComponent("valkey_history")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port], environment: ["HOME": home.path, "VALKEYCLI_HISTFILE": file.path])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("echo valkey-history")
        try shell.wait(for: "\"valkey-history\"")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
        #expect(try String(contentsOf: file, encoding: .utf8) == "echo valkey-history\nquit\n")
    }

    @Test func nameSetsTheClientNameInBothProtocols() throws {
        let port = try TestEnvironment.port()
        #expect(try rcli(["-p", port, "--name", "rcli-test", "client", "getname"]).out == "rcli-test\n")
        #expect(try rcli(["-3", "-p", port, "--name", "rcli-3", "client", "getname"]).out == "rcli-3\n")
    }

    @Test func preferredFamilyStillConnects() throws {
        let server = try OwnServer(["--bind", "127.0.0.1 ::1"])
        let v6 = try rcli(["-6", "-h", "::1", "-p", server.port, "client", "info"])
        #expect(v6.out.contains("addr=[::1]:"))
        // localhost has no IPv6 address here: -6 only orders addresses, so IPv4 is used.
        #expect(try rcli(["-6", "-h", "localhost", "-p", server.port, "ping"]).out == "PONG\n")
        let v4 = try rcli(["-4", "-h", "localhost", "-p", server.port, "client", "info"])
        #expect(v4.out.contains("addr=127.0.0.1:"))
    }
}

/// The shared cluster is written to only by serialized tests (replication offsets are compared).
extension ClusterFixtureTests {
    @Test func nameIsSetOnClusterNodes() throws {
        let cluster = try rcli(["-c", "-p", Self.ports()[0], "--name", "rcli-c", "client", "getname"])
        #expect(cluster.out == "rcli-c\n")
    }

    /// redis-cli 7.4 sends READONLY before --bigkeys/--memkeys scan: a cluster replica then
    /// answers TYPE and the size commands instead of redirecting them.
    @Test func keyToolsReadAClusterReplica() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<30 { script += "rpush {\(p)}list\(i) " + String(repeating: "x ", count: i + 1) + "\n" }
        #expect(try rcli(["-c", "-p", ports[0]], stdin: script).status == 0)
        let replicas = try ports.filter { try redisCli(["-p", $0, "role"]).out.hasPrefix("slave") }
        #expect(!replicas.isEmpty)
        for mode in ["--bigkeys", "--memkeys"] {
            var outputs: [String] = []
            let found = waitUntil(10) {
                outputs = replicas.compactMap { try? rcli(["-p", $0, mode, "--pattern", "{\(p)}*"]).out }
                return outputs.contains { $0.contains("Sampled 30 keys in the keyspace!") }
            }
            #expect(found, "\(mode): \(outputs)")
        }
        _ = try rcli(
            ["-c", "-p", ports[0], "eval", "return redis.call('del', unpack(KEYS))", "30"]
                + (0..<30).map { "{\(p)}list\($0)" })
    }
}
