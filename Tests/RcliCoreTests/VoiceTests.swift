import RedisNet
import Testing

@testable import RcliCore

/// rcli speaks as valkey-cli under a name that starts with `valkey`, as redis-cli otherwise.
struct VoiceTests {
    @Test func theNameChoosesTheVoice() {
        #expect(Voice(programPath: "/usr/local/bin/valkey-cli") == .valkey)
        #expect(Voice(programPath: "valkey-cli") == .valkey)
        #expect(Voice(programPath: "/usr/bin/redis-cli") == .redis)
        #expect(Voice(programPath: "/opt/rcli/bin/rcli") == .redis)
        #expect(Voice(programPath: "/home/valkey/bin/rcli") == .redis, "the folder does not count")
        #expect(Voice.valkey.capitalizedPrimary == "Primary" && Voice.redis.capitalizedPrimary == "Master")
    }

    /// REDISCLI_* wins for rcli and redis-cli; VALKEYCLI_* for valkey-cli (valkey-cli 9's rule).
    @Test func theEnvironmentTwinThatWinsFollowsTheVoice() {
        let both = ["REDISCLI_AUTH": "r", "VALKEYCLI_AUTH": "v"]
        #expect(CLIEnvironment.value("AUTH", in: both, voice: .redis) == "r")
        #expect(CLIEnvironment.value("AUTH", in: both, voice: .valkey) == "v")
        #expect(CLIEnvironment.value("AUTH", in: ["REDISCLI_AUTH": "r"], voice: .valkey) == "r")
        #expect(CLIEnvironment.value("AUTH", in: ["VALKEYCLI_AUTH": "v"], voice: .redis) == "v")
    }
}
