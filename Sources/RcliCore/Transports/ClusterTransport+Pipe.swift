import Cluster

extension ClusterTransport {
    /// `--pipe` requests (checked already, ending at `ends`): each goes to its slot's master as
    /// read.
    func submitRaw(_ id: EntryID, _ raw: [UInt8], ends: [Int], now: Double) {
        var start = 0
        for end in ends {
            defer { start = end }
            guard let command = PipeInput.Command(checked: raw[start..<end]) else { continue }
            let slot = pipeRouting.slot(of: command)
            let asRead = command.inlineArgs == nil ? command.raw : nil
            let e = ClusterCommand(
                id: id, args: asRead == nil ? command.args : [], raw: asRead, traits: nil,
                route: RouteState(slot: slot, readOnly: false))
            if let slot, let link = pipeRouting.link(for: slot), link.connection != nil {
                send(e, to: RouteTarget(node: link.node, replica: false, asking: false), on: link, now: now)
                continue
            }
            dispatch(e, now: now)
            if let slot, let target = e.target, !target.asking, !target.replica,
                let link = pool.existingLink(target.node)
            {
                pipeRouting.remember(slot, link)
            }
        }
    }
}
