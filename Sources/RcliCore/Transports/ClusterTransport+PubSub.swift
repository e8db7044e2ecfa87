import Cluster
import RESP
import RedisNet

/// The shell's subscribed mode in a cluster: each link follows its own subscriptions; messages
/// from every subscribed link are shown between lines.
extension ClusterTransport {
    /// Channel and pattern (un)subscriptions go to the node the shell is already subscribed on,
    /// so one connection holds them all (PUBLISH reaches every node of a cluster); SUNSUBSCRIBE
    /// of everything goes to a node that holds shard channels.
    func pubsubNode(for name: String, args: Int) -> NodeAddress? {
        let link: ClusterLink?
        switch name {
        case "subscribe", "psubscribe", "unsubscribe", "punsubscribe":
            link = pool.allLinks.first { $0.pubsub.channels > 0 && $0.connection != nil }
        case "sunsubscribe" where args == 1:
            link = pool.allLinks.first { $0.pubsub.shardChannels > 0 && $0.connection != nil }
        default:
            link = nil
        }
        return link?.node
    }

    /// The links subscribed to something (the shell's subscribed mode).
    private var subscribedLinks: [ClusterLink] {
        pool.allLinks.filter { $0.pubsub.isSubscribed && $0.connection != nil }
    }

    package var idleDescriptors: [Int32] { subscribedLinks.compactMap { $0.connection?.descriptor } }

    package var subscribed: Bool { pool.allLinks.contains { $0.pubsub.isSubscribed && $0.connection != nil } }

    package func takeIdleMessages() -> Result<[RESPValue], RcliError> {
        var values: [RESPValue] = []
        for link in subscribedLinks {
            do throws(NetError) {
                _ = try link.connection?.receive()
                while let value = try link.nextValue() {
                    link.pubsub.observe(value, resp3: link.session.usesRESP3)
                    values.append(value)
                }
            } catch {
                _ = link.abandon()
                return .failure(.streamLost(reason: error.description, node: link.node))
            }
        }
        return .success(values)
    }
}
