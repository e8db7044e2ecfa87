import Cluster
import RESP
import RedisNet

extension ClusterCreate {
    /// One `.` a second until every node sees the same slot owners; bounded (redis-cli waits for
    /// ever), naming the nodes that do not agree when it gives up.
    static func waitForJoin(
        _ cluster: ManagedCluster, sessions: [Session], addresses: [NodeAddress], meetAgain: [Int: [[UInt8]]],
        log: ManagerLog
    ) -> Bool {
        log.plain("Waiting for the cluster to join\n")
        let limit = max(30.0, 2.0 * Double(sessions.count))
        let start = monotonicSeconds()
        var lastDot = start
        while true {
            // Every node asked at once: one round trip per poll for the whole cluster.
            let views = cluster.pipelineMany(sessions: sessions.map { ($0, NodesView.request) }, seconds: 5).map {
                NodesView(reply: $0.replies.first)
            }
            // redis-cli's test: every node sees the same slot owners (so each replica-to-be knows
            // its master). Replicas learn of each other later, by gossip, as with redis-cli.
            let signatures = views.map { $0?.signature }
            if signatures.allSatisfy({ $0 != nil }) && Set(signatures).count == 1 {
                log.plain("\n")
                return true
            }
            let now = monotonicSeconds()
            if now - start > limit {
                log.plain("\n")
                // The nodes that did not answer, and those whose view differs from most nodes'.
                let silent = addresses.indices.filter { signatures[$0] == nil }
                var counts: [String: Int] = [:]
                for case let s? in signatures { counts[s, default: 0] += 1 }
                let usual = counts.max { $0.value < $1.value }?.key
                let differing = addresses.indices.filter { signatures[$0] != nil && signatures[$0] != usual }
                let names = { (indices: [Int]) in indices.map { ManagerAddress.text(addresses[$0]) } }
                var why: [String] = []
                if !silent.isEmpty { why.append("not answering: " + names(silent).joined(separator: ", ")) }
                if !differing.isEmpty { why.append("still differing: " + names(differing).joined(separator: ", ")) }
                log.err(
                    "[ERR] The nodes did not agree within \(Int(limit))s (\(why.joined(separator: "; "))). "
                        + "Cluster bus ports (port + 10000) must be reachable by every node.")
                return false
            }
            // The nodes whose view is not the first node's yet (it is met by every node, so it knows
            // them all first) are met again by it.
            let lagging = sessions.indices.dropFirst().filter {
                signatures[$0] == nil || signatures[$0] != signatures[0]
            }
            let meets = lagging.compactMap { meetAgain[$0] }
            if !meets.isEmpty { _ = cluster.pipelineMany(sessions: [(sessions[0], meets)], seconds: 5) }
            if now - lastDot >= 1 {
                log.plain(".")
                lastDot = now
            }
            System.sleep(seconds: 0.1)
        }
    }
}
