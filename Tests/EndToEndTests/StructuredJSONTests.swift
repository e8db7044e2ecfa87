import Foundation
import Testing

/// `--json` turns INFO, CLUSTER NODES/INFO/REPLICAS, CLIENT LIST/INFO and MEMORY STATS into
/// objects; the values are checked against the server's own text (read with redis-cli).
@Suite struct StructuredJSONTests {
    /// Parses one JSON document (fails the test when it is not one).
    static func parse(_ text: some StringProtocol) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// INFO text as sections of `field: value` text.
    static func infoText(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var section = ""
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("# ") {
                section = line.dropFirst(2).lowercased()
                sections[section] = [:]
            } else if let colon = line.firstIndex(of: ":") {
                sections[section, default: [:]][String(line[..<colon])] = String(line[line.index(after: colon)...])
            }
        }
        return sections
    }

    @Test func infoSectionsFieldsAndTypesMatchTheServersText() throws {
        let port = try TestEnvironment.port()
        let r = try rcli(["-p", port, "--json", "info", "server", "memory"])
        #expect(r.status == 0)
        #expect(r.out.hasSuffix("}\n") && r.out.filter { $0 == "\n" }.count == 1, "one line: \(r.out)")
        let json = try #require(try Self.parse(r.out) as? [String: [String: Any]])
        let text = Self.infoText(try redisCli(["-p", port, "info", "server", "memory"]).out)
        #expect(Set(json.keys) == ["server", "memory"])
        for (section, fields) in text {
            #expect(Set(json[section]?.keys ?? [:].keys) == Set(fields.keys), "fields of \(section)")
        }
        let server = try #require(json["server"])
        let memory = try #require(json["memory"])
        // Identifiers and versions stay strings; numbers are numbers, with the server's value.
        for name in ["redis_version", "redis_git_sha1", "run_id", "redis_mode", "executable"] {
            #expect(server[name] as? String == text["server"]?[name], "\(name)")
        }
        for name in ["tcp_port", "process_id", "hz", "arch_bits"] {
            #expect((server[name] as? Int).map(String.init) == text["server"]?[name], "\(name)")
        }
        #expect(server["tcp_port"] as? Int == Int(port))
        #expect((memory["used_memory_startup"] as? Int).map(String.init) == text["memory"]?["used_memory_startup"])
        #expect(memory["maxmemory_policy"] as? String == text["memory"]?["maxmemory_policy"])
        #expect(memory["used_memory_peak_perc"] is String)
        #expect(memory["mem_fragmentation_ratio"] is Double)
        // used_memory moves between the two reads, but not by much.
        let used = try #require(memory["used_memory"] as? Int)
        let theirs = try #require(text["memory"]?["used_memory"].flatMap { Int($0) })
        #expect(abs(used - theirs) < theirs / 10, "used_memory \(used) vs \(theirs)")
    }

    @Test func keyspaceAndCommandStatsAreObjects() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        try seed([["-n", "14", "set", p + "a", "1"], ["-n", "14", "set", p + "b", "2", "ex", "100"]])
        defer { _ = try? redisCli(["-p", port, "-n", "14", "del", p + "a", p + "b"]) }
        let keys = try #require(Int(try redisCli(["-p", port, "-n", "14", "dbsize"]).out.dropLast()))
        let r = try rcli(["-p", port, "--json", "info", "keyspace", "commandstats"])
        let json = try #require(try Self.parse(r.out) as? [String: [String: [String: Any]]])
        let db = try #require(json["keyspace"]?["db14"])
        #expect(db["keys"] as? Int == keys)
        #expect((db["expires"] as? Int ?? 0) >= 1)
        #expect(db["avg_ttl"] is Int)
        let set = try #require(json["commandstats"]?["cmdstat_set"])
        #expect((set["calls"] as? Int ?? 0) >= 2)
        #expect(set["usec_per_call"] is Double)
    }

    @Test func rawAndOtherRepliesAreUnchanged() throws {
        let p = uniquePrefix()
        try seed([["hset", p + "h", "f", "v", "n", "1"], ["set", p + "s", "caf\u{e9}"]])
        // The text stays available, byte for byte.
        try expectSameAsRedisCli(["info", "cluster"], environment: DifferentialTests.fakeTTY)
        let port = try TestEnvironment.port()
        let text = try redisCli(["-p", port, "--raw", "info", "cluster"]).out
        for args in [["--raw", "info", "cluster"], ["info", "cluster"]] {
            // (rcli ends a raw INFO with one more newline than redis-cli 7.0 does, as before.)
            let ours = try rcli(["-p", port] + args)
            #expect(ours.out.hasPrefix("# Cluster\r\ncluster_enabled:0\r\n") && ours.out.hasPrefix(text), "\(args)")
        }
        let raw = try rcli(["-p", port, "--raw", "info", "server"])
        #expect(raw.out.hasPrefix("# Server\r\nredis_version:"))
        // Replies of other commands are redis-cli's --json, byte for byte.
        for format in ["--json", "--quoted-json"] {
            for (proto, command) in [("-2", ["hgetall", p + "h"]), ("-3", ["hgetall", p + "h"])] {
                try expectSameAsRedisCli([proto, format] + command)
            }
            try expectSameAsRedisCli([format, "get", p + "s"])
            try expectSameAsRedisCli([format, "memory", "usage", p + "s"])
            try expectSameAsRedisCli([format, "config", "get", "maxmemory"])
            try expectSameAsRedisCli([format, "memory", "stats", "extra"])
        }
        // An error reply of a structured command is printed as redis-cli prints it (raw, as the
        // command's text would be), and INFO under --csv is the server's text as it is.
        try expectSameAsRedisCli(["--json", "client", "list", "type", "bogus"])
        try expectSameAsRedisCli(["--csv", "info", "cluster"])
        try expectSameAsRedisCli(["--raw", "info", "cluster"])
    }

    @Test func quotedJSONHasTheSameShape() throws {
        let port = try TestEnvironment.port()
        let plain = try #require(
            try Self.parse(try rcli(["-p", port, "--json", "info", "server"]).out) as? [String: Any])
        let quoted = try #require(
            try Self.parse(try rcli(["-p", port, "--quoted-json", "info", "server"]).out) as? [String: [String: Any]])
        #expect(Set(plain.keys) == Set(quoted.keys))
        #expect(quoted["server"]?["tcp_port"] as? Int == Int(port))
    }

    @Test func clientListAndClientInfo() throws {
        let port = try TestEnvironment.port()
        let r = try rcli(["-p", port, "--json"], stdin: "client setname rcli-json\nclient info\nclient list\n")
        let lines = r.out.split(separator: "\n")
        try #require(lines.count == 3, "\(r.out)")
        #expect(lines[0] == "\"OK\"")
        let me = try #require(try Self.parse(lines[1]) as? [String: Any])
        #expect(me["name"] as? String == "rcli-json")
        #expect(me["cmd"] as? String == "client|info")
        #expect(me["resp"] as? Int == 3)
        let id = try #require(me["id"] as? Int)
        let clients = try #require(try Self.parse(lines[2]) as? [[String: Any]])
        let listed = try #require(clients.first { $0["id"] as? Int == id })
        #expect(listed["name"] as? String == "rcli-json")
        #expect(listed["cmd"] as? String == "client|list")
        #expect(listed["addr"] as? String == me["addr"] as? String)
    }

    @Test func memoryStatsInRESP2AndRESP3() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        try seed([["set", p + "k", "v"]])
        defer { _ = try? redisCli(["-p", port, "del", p + "k"]) }
        let text = try redisCli(["-p", port, "memory", "stats"]).out.split(separator: "\n").map(String.init)
        let startup = try #require(text.firstIndex(of: "startup.allocated")).advanced(by: 1)
        for proto in ["-2", "-3"] {
            let r = try rcli(["-p", port, proto, "--json", "memory", "stats"])
            let stats = try #require(try Self.parse(r.out) as? [String: Any], "\(proto): \(r.out)")
            #expect((stats["startup.allocated"] as? Int).map(String.init) == text[startup])
            #expect(stats["dataset.percentage"] is Double, "\(proto)")
            let db0 = try #require(stats["db.0"] as? [String: Any], "\(proto)")
            #expect(db0["overhead.hashtable.main"] is Int)
        }
    }

    @Test func stdinScriptsAndTheShell() throws {
        let port = try TestEnvironment.port()
        let script = try rcli(["-p", port, "--json"], stdin: "info server\nping\ninfo cluster\n")
        let lines = script.out.split(separator: "\n")
        try #require(lines.count == 3, "\(script.out)")
        #expect(lines[1] == "\"PONG\"")
        #expect(lines[2] == #"{"cluster":{"cluster_enabled":0}}"#)
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port, "--json"])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("info cluster")
        try shell.wait(for: #"{"cluster":{"cluster_enabled":0}}"#)
    }
}

/// The same on the fixture cluster, with `-c`.
@Suite(.serialized) struct StructuredClusterJSONTests {
    @Test func clusterNodesInfoAndReplicas() throws {
        let ports = try ClusterFixtureTests.ports()
        let text = try redisCli(["-p", ports[0], "cluster", "nodes"]).out
        let r = try rcli(["-c", "-p", ports[0], "--json", "cluster", "nodes"])
        let nodes = try #require(try StructuredJSONTests.parse(r.out) as? [[String: Any]], "\(r.out)")
        #expect(nodes.count == 6)
        var masters: [String] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            let node = try #require(nodes.first { $0["id"] as? String == words[0] }, "\(words[0])")
            let address = words[1].split(separator: "@")[0]
            #expect(node["address"] as? String == String(address))
            #expect(node["port"] as? Int == Int(address.split(separator: ":").last ?? ""))
            #expect(node["flags"] as? [String] == words[2].split(separator: ",").map(String.init))
            #expect(node["master"] as? String == (words[3] == "-" ? nil : words[3]))
            #expect(node["master"] is NSNull == (words[3] == "-"))
            #expect(node["config_epoch"] as? Int == Int(words[6]))
            #expect(node["link_state"] as? String == words[7])
            let ranges = words.dropFirst(8).map { word in
                let ends = word.split(separator: "-").compactMap { Int($0) }
                return [ends[0], ends.last ?? ends[0]]
            }
            #expect(node["slots"] as? [[Int]] == ranges)
            #expect((node["migrating"] as? [String: Any])?.isEmpty == true)
            if words[2].contains("master") { masters.append(words[0]) }
        }
        #expect(masters.count == 3)

        let info = try rcli(["-c", "-p", ports[1], "--json", "cluster", "info"])
        let fields = try #require(try StructuredJSONTests.parse(info.out) as? [String: Any], "\(info.out)")
        #expect(fields["cluster_state"] as? String == "ok")
        #expect(fields["cluster_slots_assigned"] as? Int == 16384)
        #expect(fields["cluster_known_nodes"] as? Int == 6)

        let replicas = try rcli(["-c", "-p", ports[0], "--json", "cluster", "replicas", masters[0]])
        let listed = try #require(try StructuredJSONTests.parse(replicas.out) as? [[String: Any]], "\(replicas.out)")
        #expect(listed.count == 1)
        #expect(listed.first?["master"] as? String == masters[0])

        let server = try rcli(["-c", "-p", ports[2], "--json", "info", "server"])
        let json = try #require(try StructuredJSONTests.parse(server.out) as? [String: [String: Any]], "\(server.out)")
        // Valkey 8+ calls it server_mode.
        #expect((json["server"]?["redis_mode"] ?? json["server"]?["server_mode"]) as? String == "cluster")
        #expect(json["server"]?["tcp_port"] as? Int == Int(ports[2]))
    }
}
