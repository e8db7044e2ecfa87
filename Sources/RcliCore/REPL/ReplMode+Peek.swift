/// `peek <key>` (see `PeekCommand`): its queries go through the shell's engine with a collecting
/// sink, so they are routed and redirected like typed commands, and Ctrl-C ends them the same way.
extension ReplMode {
    func peek(_ args: [[UInt8]]) {
        guard args.count == 2 else {
            say(PeekCommand.usage)
            return
        }
        // Inside MULTI the queries would be queued; subscribed, the connection cannot be asked.
        if inTransaction || transport.subscribed {
            say("rcli: peek is not available \(inTransaction ? "inside MULTI" : "in subscribed mode")\n")
            return
        }
        let key = args[1]
        guard let facts = query(PeekCommand.factQueries(key)) else { return }
        var details: [ReplyCollector.Result] = []
        if let type = PeekCommand.type(facts), let more = PeekCommand.detailQueries(type: type, key: key) {
            guard let answers = query(more) else { return }
            details = answers
        }
        output.out.write(PeekCommand.report(key: key, facts: facts, details: details))
        output.out.flush()
    }

    /// Sends `commands` pipelined (one round trip) and keeps their replies; nil after saying why
    /// there are none (no connection, Ctrl-C, a connection lost).
    private func query(_ commands: [[[UInt8]]]) -> [ReplyCollector.Result]? {
        transport.forgetIfClosed()
        if transport.location == nil {
            if let error = transport.open() {
                capture?.abandoned = true
                report(error)
                return nil
            }
            transaction.abandon()
        }
        let collector = ReplyCollector()
        let sink = engine.sink
        let settings = engine.settings
        defer {
            engine.sink = sink
            engine.settings = settings
        }
        engine.sink = collector
        engine.settings.window = .commands(commands.count)
        engine.settings.exitOnError = false
        engine.settings.interval = 0
        let status = engine.run(ItemSource(commands.map { (item: ScriptItem.command($0), count: Int64(1)) }))
        if status == Self.interruptedStatus {
            capture?.abandoned = true
            say("\n")
            transaction.abandon()
            transport.recover()
            return nil
        }
        guard collector.results.count == commands.count else {
            capture?.abandoned = true
            output.err.write("rcli: peek: \(collector.failure ?? "no reply")\n")
            output.err.flush()
            return nil
        }
        return collector.results
    }
}
