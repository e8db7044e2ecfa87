import Cluster
import RedisNet

/// SHUTDOWN in cluster mode, as redis-cli -c has it: the node closing the connection is the
/// command's success; then the shell says `not connected` and each command is reported with the
/// connect error until that node answers again (redis-cli reconnects to it for every command),
/// or `connect` names another node.
extension ClusterTransport {
    /// `link`'s connection ended with only a SHUTDOWN owed: the node did as asked (true).
    func shutDownAsAsked(_ link: ClusterLink, _ error: NetError) -> Bool {
        guard case .closed = error, link.queue.owesOnlyAShutdown, let e = link.queue.head?.tag else { return false }
        _ = link.abandon()
        traffic.end(e)
        pool.shutDown = link.node
        events.append(.closed(e.id))
        return true
    }

    /// After a SHUTDOWN: connects to that node again; nil once it answers (or when no SHUTDOWN
    /// stopped one), else why not.
    func reopenAfterShutdown() -> RcliError? {
        guard let node = pool.shutDown else { return nil }
        do throws(RcliError) {
            _ = try pool.link(for: RouteTarget(node: node, replica: false, asking: false))
        } catch {
            return error
        }
        pool.shutDown = nil
        return nil
    }

    /// A command while the node a SHUTDOWN stopped is still gone: reported at once (true).
    func refusedAfterShutdown(_ id: EntryID) -> Bool {
        guard let error = reopenAfterShutdown() else { return false }
        events.append(.failed(id, .serverShutDown(why: error.text), node: nil))
        return true
    }
}
