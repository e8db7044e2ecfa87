import Cluster

/// Commands the committed table lacks (a module's, or a server's newer than the table): their
/// key positions are asked of the current node (`COMMAND INFO <name>`, once per name per
/// session, `CommandKeyBook`) before they are sent, and input is held meanwhile, so even the
/// first send goes to the slot's owner.
extension ClusterTransport {
    /// Starts the lookup `command` needs first (true), or says there is none to make (false).
    func lookUpKeys(_ id: EntryID, _ command: Outbound, now: Double) -> Bool {
        guard let name = pool.keyBook.nameToLearn(command.args), canAskCurrentNode else { return false }
        let probe = ClusterCommand(
            id: id, args: pool.keyBook.request(for: name), traits: CommandTraits([]),
            route: RouteState(slot: nil, readOnly: true))
        lookup = (name, probe, command)
        report?("learning the keys of '\(name)' (COMMAND INFO)")
        dispatch(probe, now: now)
        return true
    }

    /// True when a side request may go to the current node: no transaction or WATCH is pinned
    /// (it would join it) and the node's link is not subscribed.
    private var canAskCurrentNode: Bool {
        pool.transaction.pinned == nil && !pool.transaction.inMulti
            && !(pool.existingLink(pool.router.current)?.pubsub.isSubscribed ?? false)
    }

    /// True for the `COMMAND INFO` request in flight.
    func isLookup(_ e: ClusterCommand) -> Bool { lookup?.probe === e }

    /// The `COMMAND INFO` lookup answered (or failed): the command it held goes now.
    func learnt(_ probe: ClusterCommand, now: Double) {
        guard let (name, _, command) = lookup else { return }
        lookup = nil
        pool.keyBook.learn(name, reply: probe.reply)
        begin(probe.id, command, now: now)
    }
}
