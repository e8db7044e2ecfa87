import Testing

@testable import RcliCore

/// redis-cli and valkey-cli take options in any order: `rcli --cluster-yes --cluster create ...`
/// (how many harnesses build clusters) must mean what `rcli --cluster create ... --cluster-yes`
/// means. Every `--cluster-*` option and the connection options, before and after.
@Suite struct OptionOrderTests {
    /// A valid value for each option that takes one.
    static func sample(_ option: String) -> String {
        switch option {
        case "--cluster-replicas": return "1"
        case "--cluster-slots": return "5"
        case "--cluster-timeout": return "1234"
        case "--cluster-pipeline": return "20"
        case "--cluster-retries": return "3"
        case "--cluster-threshold": return "3"
        case "--cluster-weight": return "abc=2"
        case "-p": return "7001"
        case "-n": return "2"
        case "-t": return "2.5"
        default: return "x\(option.count)"
        }
    }

    /// Every spelling: redis-cli's and valkey-cli's.
    static let clusterOptions: [[String]] = OptionTable.clusterManager.flatMap { spec in
        spec.names.filter { $0 != "--cluster" }.map { name in spec.takesValue ? [name, sample(name)] : [name] }
    }

    @Test(arguments: clusterOptions)
    func clusterOptionsActWhereverTheyStand(_ option: [String]) throws {
        let subcommand = ["--cluster", "create", "127.0.0.1:7000", "127.0.0.1:7001"]
        let before = try OptionParser.parse(option + subcommand, environment: [:])
        let after = try OptionParser.parse(subcommand + option, environment: [:])
        let between = try OptionParser.parse(
            Array(subcommand.prefix(3)) + option + ["127.0.0.1:7001"], environment: [:])
        let plain = try OptionParser.parse(subcommand, environment: [:])
        let request = try #require(before.config.clusterManager)
        #expect(request.subcommand == "create")
        #expect(request.args == ["127.0.0.1:7000", "127.0.0.1:7001"])
        #expect(String(describing: request) == String(describing: try #require(after.config.clusterManager)))
        #expect(String(describing: request) == String(describing: try #require(between.config.clusterManager)))
        #expect(
            String(describing: request) != String(describing: try #require(plain.config.clusterManager)),
            "\(option) acted")
    }

    static let connectionOptions: [[String]] = [
        ["-a", "secret"], ["--user", "alice"], ["--pass", "secret"], ["--tls"], ["--insecure"],
        ["--cacert", "/tmp/ca.crt"], ["--cert", "/tmp/c.crt"], ["--key", "/tmp/c.key"], ["--sni", "node.example"],
        ["-4"], ["-6"], ["-t", "2.5"], ["-h", "10.1.2.3"], ["-p", "7001"], ["-3"], ["--name", "job"],
        ["--no-auth-warning"],
    ]

    @Test(arguments: connectionOptions)
    func connectionOptionsActWhereverTheyStand(_ option: [String]) throws {
        let subcommand = ["--cluster", "check", "127.0.0.1:7000"]
        let before = try OptionParser.parse(option + subcommand, environment: [:])
        let after = try OptionParser.parse(subcommand + option, environment: [:])
        let plain = try OptionParser.parse(subcommand, environment: [:])
        #expect(String(describing: before.config) == String(describing: after.config))
        #expect(String(describing: before.config) != String(describing: plain.config), "\(option) acted")
        #expect(before.config.clusterManager?.args == ["127.0.0.1:7000"])
    }

    /// valkey-cli 8's spellings mean what redis-cli's do.
    @Test(arguments: OptionTable.valkeySpellings.map { [$0.redis, $0.valkey] })
    func valkeySpellingsMeanTheSame(_ pair: [String]) throws {
        let value = OptionTable.clusterManager.first { $0.names.contains(pair[0]) }?.takesValue == true ? ["abc"] : []
        let subcommand = ["--cluster", "add-node", "127.0.0.1:7000", "127.0.0.1:7001"]
        let redis = try OptionParser.parse(subcommand + [pair[0]] + value, environment: [:])
        let valkey = try OptionParser.parse(subcommand + [pair[1]] + value, environment: [:])
        let plain = try OptionParser.parse(subcommand, environment: [:])
        #expect(String(describing: redis.config.clusterManager) == String(describing: valkey.config.clusterManager))
        #expect(String(describing: redis.config.clusterManager) != String(describing: plain.config.clusterManager))
    }

    /// `--cluster-weight` takes values up to the next option, as redis-cli: every following
    /// `id=weight` word; a word without `=` (or an option) ends them.
    @Test func clusterWeightTakesValuesUpToTheNextOption() throws {
        let parsed = try OptionParser.parse(
            [
                "--cluster", "rebalance", "127.0.0.1:7000", "--cluster-weight", "a=1", "b=2.5", "c=0",
                "--cluster-simulate",
            ], environment: [:])
        let request = try #require(parsed.config.clusterManager)
        #expect(request.weights.map { "\($0.0)=\($0.1)" } == ["a=1.0", "b=2.5", "c=0.0"])
        #expect(request.simulate)
        let stopped = try OptionParser.parse(
            ["--cluster-weight", "a=1", "b=2", "--cluster", "rebalance", "127.0.0.1:7000", "127.0.0.1:7001"],
            environment: [:])
        let other = try #require(stopped.config.clusterManager)
        #expect(other.weights.count == 2 && other.args == ["127.0.0.1:7000", "127.0.0.1:7001"])
        #expect(throws: RcliError.self) {
            try OptionParser.parse(["--cluster", "rebalance", "h:1", "--cluster-weight", "a=x"], environment: [:])
        }
    }
}
