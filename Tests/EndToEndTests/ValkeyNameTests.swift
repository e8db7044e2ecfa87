import Foundation
import Testing

/// Run as `valkey-cli` (a symlink), rcli speaks as valkey-cli 8 where scripts read it, side by
/// side with valkey-cli 8.1.8; as itself it keeps redis-cli's words.
extension ClusterFixtureTests {
    /// A `valkey-cli` symlink to the rcli under test, in a folder of its own.
    static func rcliAsValkeyCli() throws -> String {
        let dir = try scratchDirectory("valkey-name")
        let link = dir.appendingPathComponent("valkey-cli").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: TestEnvironment.rcli)
        return link
    }

    @Test func runAsValkeyCliItSpeaksAsValkeyCli() throws {
        let ours = try Self.rcliAsValkeyCli()
        let theirs = TestEnvironment.valkeyCli
        #expect(FileManager.default.isExecutableFile(atPath: theirs), "valkey-cli 8.1.8 not fetched: \(theirs)")
        let dumb = ["TERM": "dumb"]
        // Connection errors, the cluster manager's help (valkey-cli's spellings) and reports.
        let ports = try Self.ports()
        let cases: [[String]] = [
            ["-p", "1", "ping"],
            ["--cluster", "info", "127.0.0.1:\(ports[0])"],
            ["--cluster", "check", "127.0.0.1:\(ports[0])"],
            ["--cluster-only-primaries", "--cluster", "call", "127.0.0.1:\(ports[0])", "ping"],
            ["--cluster", "rebalance", "127.0.0.1:\(ports[0])", "--cluster-use-empty-primaries", "--cluster-simulate"],
        ]
        // Key counts aside: rcli counts every database's keys (Valkey 9's numbered databases),
        // valkey-cli 8 only database 0's.
        func counts(_ text: String) -> String {
            text.replacing(/-> \d+ keys/, with: "-> N keys").replacing(/\] \d+ keys in/, with: "] N keys in")
                .replacing(/\n[0-9.]+ keys per slot/, with: "\nN keys per slot")
        }
        for args in cases {
            let a = try run(ours, args, environment: dumb)
            let b = try run(theirs, args, environment: dumb)
            #expect(counts(a.out) == counts(b.out), "stdout differs for \(args)")
            #expect(a.status == b.status, "status differs for \(args)")
            if args.first == "-p" { #expect(a.err == b.err, "stderr differs for \(args)") }
        }
        let refused = try run(ours, ["-p", "1", "ping"])
        #expect(refused.err == "Could not connect to Valkey at 127.0.0.1:1: Connection refused\n")
        // valkey-cli's own help names --cluster-primaries-id, which it does not accept: rcli names
        // the option that works, the one line that differs.
        let help = try run(ours, ["--cluster", "help"], environment: dumb)
        let valkeyHelp = try run(theirs, ["--cluster", "help"], environment: dumb)
        #expect(help.status == valkeyHelp.status)
        #expect(
            help.out == valkeyHelp.out.replacing("--cluster-primaries-id <arg>", with: "--cluster-primary-id <arg>"))
        #expect(help.out.contains("--cluster-use-empty-primaries") && !help.out.contains("masters"))
        let usage = try run(ours, ["--help"])
        #expect(usage.out.contains("Usage: valkey-cli [OPTIONS] [cmd [arg [arg ...]]]"))

        // As itself (and as redis-cli), redis-cli's words.
        let plain = try rcli(["-p", "1", "ping"])
        #expect(plain.err == "Could not connect to Redis at 127.0.0.1:1: Connection refused\n")
        let info = try rcli(["--cluster", "info", "127.0.0.1:\(ports[0])"], environment: dumb)
        #expect(info.out.contains(" slaves.\n") && info.out.contains(" masters.\n"), "\(info.out)")
    }
}
