import Cluster
import RESP
import RedisNet

/// `--pipe -c` (redis-cli ignores `-c` here): stdin's commands are split per node by slot and
/// every node is fed at once, each with its own window of at most 256 KB unsent. MOVED and ASK
/// are followed (the slot map is updated), so a stale map costs nothing but the redirect.
/// Replies are counted per node; errors are printed on stderr as they come. The summary ends
/// with redis-cli's `errors: N, replies: M` line, after one such line per node.
enum ClusterPipeMode {
    static func run(_ config: CLIConfiguration, pool: ClusterPool, output: OutputContext) -> Int32 {
        ClusterPipe(config: config, pool: pool, output: output).run()
    }
}

/// One command of the transfer: light, as there may be millions (no printing state).
private final class PipeCommand {
    let args: [[UInt8]]
    /// The request as read, sent as is (inline commands: nil, encoded from `args`).
    let raw: [UInt8]?
    var route: RouteState
    var target: RouteTarget?
    var notBefore = 0.0

    init(args: [[UInt8]], raw: [UInt8]?, route: RouteState) {
        self.args = args
        self.raw = raw
        self.route = route
    }
}

/// One node of the transfer: its link, the replies it owes, its counts.
private final class PipeSink {
    let node: NodeAddress
    let link: ClusterLink
    /// The replies the node owes, in order: a command, or rcli's own ASKING (nil).
    var queue = FIFO<(command: PipeCommand?, start: Int)>()
    var errors = 0
    var replies = 0

    init(node: NodeAddress, link: ClusterLink) {
        self.node = node
        self.link = link
    }
}

private final class ClusterPipe {
    private let config: CLIConfiguration
    private let pool: ClusterPool
    private let output: OutputContext
    private var input = PipeInput()
    private var inputDone = false
    private var bad: ModeFailure?
    private var sinks: [NodeAddress: PipeSink] = [:]
    /// Slot → the sink of its master, while the slot map stays as it was (-1: look it up).
    private var slotSink = [Int32](repeating: -1, count: HashSlot.count)
    private var sinkList: [PipeSink] = []
    private var errors = 0, replies = 0
    private var outstanding = 0
    private var parked: [PipeCommand] = []
    /// The last command name's key table entry (a pipe file repeats one command).
    private var lastName: [UInt8] = []
    private var lastInfo: CommandKeyInfo?
    /// Where the cached command's first key is, when that is a fixed place.
    private var fixedKeyIndex: Int?
    private var lastReply = monotonicSeconds()
    private static let window = 256 * 1024

    init(config: CLIConfiguration, pool: ClusterPool, output: OutputContext) {
        self.config = config
        self.pool = pool
        self.output = output
    }

    func run() -> Int32 {
        var chunk: [UInt8] = []
        do {
            while true {
                let now = monotonicSeconds()
                if pool.router.reloadWanted {
                    pool.reloadIfWanted(now: now)
                    forgetSlots()
                }
                retryParked(now: now)
                if inputDone && outstanding == 0 && parked.isEmpty { break }
                let links = Array(pool.allLinks).filter { $0.connection != nil }
                for link in links { try flush(link, now: now) }
                for link in links { readReplies(link, now: now) }
                let wantInput = !inputDone && links.allSatisfy { l in
                    guard let c = l.connection else { return true }
                    return c.bytesQueued - c.bytesWritten < Self.window
                }
                if links.contains(where: { $0.connection?.hasBufferedInput ?? false }) {
                    // TLS records already decrypted: poll would not see them.
                    for link in links { receive(link, now: now) }
                    continue
                }
                var fds: [(fd: Int32, interest: Interest)] = []
                var polled: [ClusterLink] = []
                for link in links {
                    guard let c = link.connection else { continue }
                    fds.append((c.descriptor, c.hasPendingOutput ? [.read, .write] : .read))
                    polled.append(link)
                }
                if wantInput { fds.append((0, .read)) }
                var deadline = now + (parked.isEmpty ? 1 : 0.01)
                if inputDone && config.pipeTimeout > 0 && outstanding > 0 {
                    let left = lastReply + config.pipeTimeout - now
                    if left <= 0 {
                        output.err.write("No replies for \(Int(config.pipeTimeout)) seconds: exiting.\n")
                        output.err.flush()
                        errors += 1
                        break
                    }
                    deadline = min(deadline, lastReply + config.pipeTimeout)
                }
                let ready = try Reactor.wait(for: fds, until: deadline)
                for (i, link) in polled.enumerated() where !ready[i].isEmpty {
                    if ready[i].contains(.writable) { try flush(link, now: now) }
                    if ready[i].readOrHangup { receive(link, now: now) }
                }
                if wantInput && !ready[polled.count].isEmpty {
                    chunk.removeAll(keepingCapacity: true)
                    switch System.read(0, appendingTo: &chunk, max: 256 * 1024) {
                    case .success(0):
                        finishInput()
                    case .success:
                        input.feed(chunk)
                        takeCommands(now: monotonicSeconds())
                    case .failure(let e):
                        return output.usageFailure("Error reading from stdin: \(e.description)")
                    }
                }
            }
        } catch {
            return output.usageFailure("Error: \(error)")
        }
        var summary = ""
        for (node, sink) in sinks.sorted(by: { "\($0.key)" < "\($1.key)" }) where sink.replies + sink.errors > 0 {
            summary += "\(node): errors: \(sink.errors), replies: \(sink.replies)\n"
        }
        output.out.write(summary + "errors: \(errors), replies: \(replies)\n")
        output.out.flush()
        return errors > 0 || bad != nil ? 1 : 0
    }

    private func finishInput() {
        inputDone = true
        do throws(ModeFailure) { try input.finish() } catch { fail(error) }
        output.out.write("All data transferred. Waiting for the last reply...\n")
        output.out.flush()
    }

    private func fail(_ failure: ModeFailure) {
        bad = failure
        inputDone = true
        output.err.write(failure.message + "\n")
        output.err.flush()
    }

    private func takeCommands(now: Double) {
        while true {
            do throws(ModeFailure) {
                guard let command = try input.next() else { return }
                outstanding += 1
                dispatch(make(command), now: now)
            } catch {
                fail(error)
                output.out.write("All data transferred. Waiting for the last reply...\n")
                output.out.flush()
                return
            }
        }
    }

    /// The command for the queues: its request bytes and slot. For the usual commands (the
    /// first key at a fixed place) the key is hashed where it lies, without copying arguments.
    private func make(_ command: PipeInput.Command) -> PipeCommand {
        if command.inlineArgs == nil, command.count > 0, command.arg(0).elementsEqual(lastName) {
            // Same command name as before: the cached entry applies.
        } else {
            lastName = Array(command.arg(0))
            let probe = command.count > 1 ? [lastName, Array(command.arg(1))] : [lastName]
            lastInfo = CommandKeys.info(for: probe)
            if lastInfo != nil && command.count > 1 && CommandKeys.info(for: [lastName]) != lastInfo {
                lastName = []  // a subcommand's entry: looked up each time
            }
            fixedKeyIndex = nil
            if let spec = lastInfo?.specs.first, case .index(let i) = spec.begin, case .range = spec.find {
                fixedKeyIndex = i
            }
        }
        var slot: Int?
        if command.inlineArgs == nil, let i = fixedKeyIndex {
            slot = i < command.count ? HashSlot.slot(command.arg(i)) : nil
        } else if let info = lastInfo ?? CommandKeys.info(for: command.args) {
            slot = CommandKeys.keys(command.args, info: info).first.map(HashSlot.slot)
        }
        let raw = command.inlineArgs == nil ? Array(command.raw) : nil
        return PipeCommand(args: raw == nil ? command.args : [], raw: raw, route: RouteState(slot: slot, readOnly: false))
    }

    private func dispatch(_ e: PipeCommand, now: Double) {
        if e.route.askTarget == nil, let slot = e.route.slot, slotSink[slot] >= 0 {
            let sink = sinkList[Int(slotSink[slot])]
            if let conn = sink.link.connection {
                send(e, on: sink, conn: conn)
                return
            }
        }
        let target = pool.router.route(e.route, now: now)
        let link: ClusterLink
        do {
            link = try pool.link(for: target)
        } catch {
            decide(pool.router.unreachable(target, state: &e.route, now: now, problem: error.message), for: e, now: now)
            return
        }
        guard let conn = link.connection else { return }
        let sink = self.sink(for: target.node, link: link)
        if target.asking {
            sink.queue.append((nil, conn.bytesQueued))
            conn.enqueue([Array("ASKING".utf8)])
        } else if let slot = e.route.slot, !target.replica, let index = sinkList.firstIndex(where: { $0 === sink }) {
            slotSink[slot] = Int32(index)
        }
        e.target = target
        send(e, on: sink, conn: conn)
    }

    private func send(_ e: PipeCommand, on sink: PipeSink, conn: Connection) {
        if e.target?.node != sink.node { e.target = RouteTarget(node: sink.node, replica: false, asking: false) }
        sink.queue.append((e, conn.bytesQueued))
        if let raw = e.raw { conn.enqueueRaw(raw) } else { conn.enqueue(e.args) }
    }

    private func sink(for node: NodeAddress, link: ClusterLink) -> PipeSink {
        if let existing = sinks[node], existing.link === link { return existing }
        let sink = PipeSink(node: node, link: link)
        if let old = sinks[node] { sink.errors = old.errors; sink.replies = old.replies }
        sinks[node] = sink
        sinkList.append(sink)
        return sink
    }

    /// The slot map may have changed (MOVED, a reload, a failed node): look slots up again.
    private func forgetSlots() {
        for i in slotSink.indices { slotSink[i] = -1 }
    }

    private func decide(_ decision: RouteDecision, for e: PipeCommand, now: Double) {
        switch decision {
        case .resend:
            forgetSlots()
            dispatch(e, now: now)
        case .wait(let until):
            e.notBefore = until
            parked.append(e)
        case .fail(let message): finish(e, error: message, sink: e.target.flatMap { sinks[$0.node] })
        case .deliver: finish(e, error: nil, sink: e.target.flatMap { sinks[$0.node] })
        }
    }

    private func retryParked(now: Double) {
        guard !parked.isEmpty else { return }
        let due = parked.filter { $0.notBefore <= now }
        parked.removeAll { $0.notBefore <= now }
        for e in due { dispatch(e, now: now) }
    }

    private func finish(_ e: PipeCommand, error: String?, sink: PipeSink?) {
        outstanding -= 1
        replies += 1
        lastReply = monotonicSeconds()
        sink?.replies += 1
        if let error {
            errors += 1
            sink?.errors += 1
            output.err.write(error + "\n")
            output.err.flush()
        }
    }

    private func flush(_ link: ClusterLink, now: Double) throws {
        guard let conn = link.connection, conn.hasPendingOutput else { return }
        do {
            try conn.flush(wait: false)
        } catch {
            linkFailed(link, error, now: now)
        }
    }

    private func receive(_ link: ClusterLink, now: Double) {
        do {
            try link.connection?.receive()
        } catch {
            readReplies(link, now: now)
            linkFailed(link, error, now: now)
            return
        }
        readReplies(link, now: now)
    }

    private func readReplies(_ link: ClusterLink, now: Double) {
        guard let sink = sinks[link.node], sink.link === link else {
            while let stray = try? link.nextValue(), stray != nil {}  // owed nothing: drop
            return
        }
        do {
            while let value = try link.nextValue() {
                guard let waiting = sink.queue.pop() else { continue }
                guard let e = waiting.command else { continue }
                if case .error(let msg) = value {
                    guard let target = e.target else { continue }
                    let decision = pool.router.errorReply(msg, from: target, state: &e.route, now: now)
                    if decision == .deliver {
                        finish(e, error: String(decoding: msg, as: UTF8.self), sink: sink)
                    } else {
                        decide(decision, for: e, now: now)
                    }
                } else {
                    finish(e, error: nil, sink: sink)
                }
            }
        } catch {
            linkFailed(link, error, now: now)
        }
    }

    private func linkFailed(_ link: ClusterLink, _ error: Error, now: Double) {
        let written = link.connection?.bytesWritten ?? 0
        _ = link.abandon()
        forgetSlots()
        let sink = sinks[link.node]
        let lost = sink?.queue.drain() ?? []
        guard !lost.isEmpty else { return }
        let reason = (error as? NetError)?.description ?? "\(error)"
        pool.router.markDown(link.node, now: now)
        var unknown = 0
        for w in lost {
            guard let e = w.command else { continue }
            if w.start >= written, let target = e.target {
                decide(pool.router.unreachable(target, state: &e.route, now: now, problem: "\(reason) (\(target.node))"), for: e, now: now)
            } else {
                unknown += 1
                outstanding -= 1
                errors += 1
                sink?.errors += 1
            }
        }
        if unknown > 0 {
            output.err.write("Error: \(reason) (\(link.node)); \(unknown) commands sent to it may or may not have run\n")
            output.err.flush()
        }
    }
}
