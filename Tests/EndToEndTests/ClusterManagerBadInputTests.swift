import Cluster
import Foundation
import Testing

/// `--cluster` given bad input: one clear line, a non-zero exit and a cluster left as it was.
@Suite struct ClusterManagerBadInputTests {
    /// Slot counts per node as the nodes themselves say (`CLUSTER NODES` of the first node).
    private static func layout(_ port: String, password: String) throws -> String {
        let text = try redisCli(["-p", port, "-a", password, "--no-auth-warning", "cluster", "nodes"]).out
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return fields.prefix(1).joined() + " " + fields.dropFirst(8).joined(separator: " ")
        }.sorted().joined(separator: "\n")
    }

    @Test func badInputIsOneLineAndChangesNothing() throws {
        let cluster = [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "15000",
        ]
        // The password is set once the server is up (the fixture's start check pings without one).
        let nodes = try (0..<3).map { _ in try OwnServer(cluster + ["--masterauth", "pw"]) }
        for (i, node) in nodes.enumerated() {
            _ = try redisCli(["-p", node.port, "config", "set", "requirepass", i == 2 ? "other" : "pw"])
        }
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let auth = ["-a", "pw", "--no-auth-warning"]

        // A wrong password on one node among three: refused before anything is changed.
        let wrong = try rcli(auth + ["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 30)
        #expect(wrong.status == 1, "\(wrong.out)\(wrong.err)")
        #expect((wrong.out + wrong.err).contains(addresses[2]), "names the node: \(wrong.out)\(wrong.err)")
        for (i, node) in nodes.enumerated() {
            let info = try redisCli(
                ["-p", node.port, "-a", i == 2 ? "other" : "pw", "--no-auth-warning", "cluster", "info"]
            ).out
            #expect(info.contains("cluster_known_nodes:1\r\n") && info.contains("cluster_slots_assigned:0\r\n"))
        }
        _ = try redisCli([
            "-p", nodes[2].port, "-a", "other", "--no-auth-warning", "config", "set", "requirepass", "pw",
        ])
        let made = try rcli(auth + ["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 60)
        try #require(made.status == 0, "\(made.out)\(made.err)")
        let before = try Self.layout(nodes[0].port, password: "pw")
        let ids = try nodes.map {
            try redisCli(["-p", $0.port, "-a", "pw", "--no-auth-warning", "cluster", "myid"]).out
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let reshard = auth + ["--cluster", "reshard", addresses[0]]
        let cases: [(args: [String], message: String)] = [
            (
                reshard + [
                    "--cluster-from", ids[1], "--cluster-to", ids[0], "--cluster-slots", "10000", "--cluster-yes",
                ],
                "*** --cluster-slots 10000 is more than the 5462 slots the source nodes hold; nothing was moved."
            ),
            (
                reshard + [
                    "--cluster-from", "all", "--cluster-to", "0123abc", "--cluster-slots", "10", "--cluster-yes",
                ],
                "*** The specified node (0123abc) is not known or not a master, please retry."
            ),
            (reshard + ["--cluster-slots", "abc"], "Invalid value for --cluster-slots: 'abc'"),
            (
                auth + ["--cluster", "rebalance", addresses[0], "--cluster-weight", "\(ids[0].prefix(8))=heavy"],
                "*** invalid input \(ids[0].prefix(8))=heavy"
            ),
            (auth + ["--cluster", "del-node", addresses[0], String(repeating: "0", count: 40)], "No such node ID"),
            (auth + ["--cluster", "del-node", addresses[0], ids[1]], "is not empty! Reshard data away and try again."),
            (auth + ["--cluster", "add-node", addresses[1], addresses[0]], "is not empty."),
            (
                auth + [
                    "--cluster", "create", "127.0.0.1:1", "127.0.0.1:2", "--cluster-replicas", "2", "--cluster-yes",
                ],
                "*** At least 3 nodes are required."
            ),
            (["--cluster", "check", addresses[0]], "NOAUTH"),
        ]
        for (args, message) in cases {
            let r = try rcli(args, environment: ["TERM": "dumb"], timeout: 30)
            #expect(r.status == 1, "\(args): \(r.out)\(r.err)")
            #expect((r.out + r.err).contains(message), "\(args): \(r.out)\(r.err)")
        }
        // `yes` not typed at the prompt: nothing moves.
        let command =
            [TestEnvironment.rcli] + auth + [
                "--cluster", "reshard", addresses[0], "--cluster-from", "all", "--cluster-to", ids[0],
                "--cluster-slots", "10",
            ]
        let shell = try TmuxSession(
            ["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + "; echo status=$?; sleep 30"],
            environment: ["HOME": try scratchDirectory("home").path, "TERM": "dumb"])
        try shell.wait(for: "Do you want to proceed with the proposed reshard plan (yes/no)? ", timeout: 20)
        try shell.type("no")
        try shell.wait(for: "status=1", timeout: 20)
        #expect(try Self.layout(nodes[0].port, password: "pw") == before, "the cluster is as it was")
    }
}
