import RedisNet
import Testing

@testable import RcliCore

@Suite struct FlagsAndEnvironmentUnitTests {
    @Test func preferredFamilyComesFirstAndTheOthersStay() {
        let resolved: [(String, Int32)] = [("::1", AF_INET6), ("127.0.0.1", AF_INET), ("::2", AF_INET6)]
        #expect(AddressFamily.any.order(resolved) { $0.1 }.map(\.0) == ["::1", "127.0.0.1", "::2"])
        #expect(AddressFamily.ipv4.order(resolved) { $0.1 }.map(\.0) == ["127.0.0.1", "::1", "::2"])
        #expect(AddressFamily.ipv6.order(resolved) { $0.1 }.map(\.0) == ["::1", "::2", "127.0.0.1"])
        #expect(AddressFamily.ipv6.order([("127.0.0.1", AF_INET)]) { $0.1 }.map(\.0) == ["127.0.0.1"])
    }

    @Test func redisCliVariablesWinOverValkeyCliOnes() {
        #expect(CLIEnvironment.value("AUTH", in: ["VALKEYCLI_AUTH": "v"]) == "v")
        #expect(CLIEnvironment.value("AUTH", in: ["VALKEYCLI_AUTH": "v", "REDISCLI_AUTH": "r"]) == "r")
        #expect(CLIEnvironment.value("HISTFILE", in: ["VALKEYCLI_HISTFILE": "v", "REDISCLI_HISTFILE": ""]) == "")
        #expect(CLIEnvironment.value("RCFILE", in: [:]) == nil)
    }

    @Test func valkeyURIsAreRedisURIs() throws {
        var plain = CLIConfiguration()
        try RedisURI.apply("VALKEY://u:p%40ss@example.com:7000/3", to: &plain)
        #expect(plain.host == "example.com" && plain.port == 7000 && plain.database == 3)
        #expect(plain.user == "u" && plain.password == "p@ss" && !plain.tls)
        var tls = CLIConfiguration()
        try RedisURI.apply("valkeys://[::1]:6380", to: &tls)
        #expect(tls.host == "::1" && tls.port == 6380 && tls.tls)
        var bad = CLIConfiguration()
        #expect(throws: RcliError.self) { try RedisURI.apply("valkeyx://h", to: &bad) }
    }

    @Test func minusFourAndSixAreExclusive() throws {
        #expect(try OptionParser.parse(["-6", "ping"], environment: [:]).config.addressFamily == .ipv6)
        for args in [["-4", "-6"], ["-6", "-4"]] {
            #expect(throws: RcliError.self) {
                try OptionParser.parse(args, environment: [:])
            }
        }
        let parsed = try OptionParser.parse(["--name", "me"], environment: ["VALKEYCLI_AUTH": "pw"])
        #expect(parsed.config.clientName == "me" && parsed.config.password == "pw")
    }
}
