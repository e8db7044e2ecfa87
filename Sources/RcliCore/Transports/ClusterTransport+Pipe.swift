import Cluster
import RESP

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
            if let slot, let link = pipeRouting.link(for: slot), link.connection != nil {
                let target = RouteTarget(node: link.node, replica: false, asking: false)
                if asRead != nil {
                    link.sendBatched(id, chunk: raw, start..<end, target: target, now: now)
                    continue
                }
                let e = ClusterCommand(
                    id: id, args: command.args, traits: nil, route: RouteState(slot: slot, readOnly: false))
                send(e, to: target, on: link, now: now)
                continue
            }
            let e = ClusterCommand(
                id: id, args: asRead == nil ? command.args : [], raw: asRead, traits: nil,
                route: RouteState(slot: slot, readOnly: false))
            dispatch(e, now: now)
            if let slot, let target = e.target, !target.asking, !target.replica,
                let link = pool.existingLink(target.node)
            {
                pipeRouting.remember(slot, link)
            }
        }
    }

    /// A reply to a request of `e`'s batch: counted, unless it is an error (printed as any
    /// `--pipe` error) or a redirect (the request is sent again as a command of its own).
    func batchReply(_ value: RESPValue, _ e: ClusterCommand, _ batch: PipeBatch, from link: ClusterLink, now: Double) {
        let i = batch.answered
        batch.answered += 1
        guard case .error(let message) = value else {
            link.tally += 1
            return
        }
        let request = batch.command(at: i, id: e.id, target: e.target, routing: &pipeRouting)
        if followsRedirect(message, for: request, now: now) { return }
        request.reply = value
        request.servedBy = request.target
        pool.router.answered(by: link.node)
        complete(request)
    }

    /// Tells the engine how many batched requests `link` answered since it was last told.
    func tally(_ link: ClusterLink) {
        guard link.tally > 0 else { return }
        events.append(.counted(node: link.node, replies: link.tally))
        pool.router.answered(by: link.node)
        link.tally = 0
    }
}
