import Cluster
import Testing

@testable import RcliCore

@Suite struct SentinelOptionsTests {
    private func parse(_ args: [String], environment: [String: String] = [:]) throws -> CLIConfiguration {
        try OptionParser.parse(args, environment: environment).config
    }

    @Test func addressesFromEveryPlace() throws {
        // Without -h/-p the sentinel is 127.0.0.1:26379, and only when no --sentinel-addr is given.
        var c = try parse(["--sentinel", "m", "get", "k"])
        #expect(c.port == 26379 && c.sentinel.master == "m" && !c.sentinel.serverGiven)
        c = try parse(["--sentinel", "m", "--sentinel-addr", "s2:1,[::1]:2", "--sentinel-addr", "s3:3"])
        #expect(c.sentinel.addresses.map(\.description) == ["s2:1", "[::1]:2", "s3:3"])
        #expect(!c.sentinel.serverGiven)
        c = try parse(["-h", "s1", "--sentinel", "m", "--sentinel-addr", "s2:1"])
        #expect(c.sentinel.serverGiven && c.port == 26379 && c.host == "s1")
        c = try parse(["-p", "5000", "--sentinel", "m"])
        #expect(c.port == 5000)
        for bad in ["s2", "s2:", ":1", "s2:0", "s2:x", "s2:1,"] {
            #expect(throws: RcliError.self, "\(bad)") { try parse(["--sentinel", "m", "--sentinel-addr", bad]) }
        }
    }

    @Test func credentialsAreTheSentinels() throws {
        var c = try parse(["--sentinel", "m", "-a", "data", "--sentinel-user", "su", "--sentinel-pass", "sp"])
        #expect(c.password == "data" && c.sentinel.user == "su" && c.sentinel.password == "sp")
        c = try parse(["--sentinel", "m"], environment: ["REDISCLI_SENTINEL_AUTH": "env", "REDISCLI_AUTH": "d"])
        #expect(c.sentinel.password == "env" && c.password == "d")
        c = try parse(["--sentinel", "m"], environment: ["VALKEYCLI_SENTINEL_AUTH": "v"])
        #expect(c.sentinel.password == "v")
        c = try parse(["--sentinel", "m", "--sentinel-pass", "argv"], environment: ["REDISCLI_SENTINEL_AUTH": "env"])
        #expect(c.sentinel.password == "argv")
    }

    @Test func mistakesAreUsageErrors() {
        for args in [
            ["--sentinel-replica"], ["--sentinel-addr", "a:1"], ["--sentinel-pass", "x"], ["--sentinel", "m", "-c"],
            ["--sentinel", "m", "-s", "/tmp/x.sock"], ["--sentinel", ""],
        ] {
            #expect(throws: RcliError.self, "\(args)") { try parse(args) }
        }
    }

    @Test func theLocatorAsksEachSentinelOnce() {
        var options = SentinelOptions()
        options.master = "m"
        options.addresses = [.init(host: "a", port: 1), .init(host: "b", port: 2), .init(host: "a", port: 1)]
        var template = ConnectionSettings()
        template.port = 26379
        #expect(SentinelLocator(options: options, template: template).addresses == "a:1, b:2")
        options.serverGiven = true
        #expect(SentinelLocator(options: options, template: template).addresses == "127.0.0.1:26379, a:1, b:2")
    }

    @Test func readsAreWhatMayGoToAReplicaAndBeSentAgain() {
        func read(_ words: String) -> Bool {
            SentinelTransport.isRead(words.split(separator: " ").map { Array($0.utf8) })
        }
        #expect(read("GET k") && read("lrange l 0 -1") && read("ping") && read("scan 0") && read("xread streams s 0"))
        #expect(!read("set k v") && !read("incr k") && !read("blpop q 1") && !read("multi") && !read("flushall"))
    }
}
