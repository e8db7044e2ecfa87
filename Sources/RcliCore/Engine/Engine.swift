import RESP
import RedisNet

/// The one run loop under the command modes (one-shot, `-r`, scripts, the shell's lines,
/// `--pipe`, `--lru-test`; README's Layout lists what runs outside it): it takes items from a
/// source while the pipeline's window is open, hands commands to the transport, feeds what the
/// transport reports to the pipeline, delivers what the pipeline says is next to the sink, and
/// waits in the reactor for input, sockets, Ctrl-C and timers together. Before it waits,
/// everything ready has been written and flushed, so a program driving rcli line by line sees
/// each reply as soon as it exists.
package final class Engine {
    /// How commands reach the servers (the shell swaps it when autocluster finds a cluster).
    package var transport: Transport
    /// Where results go (the shell lends the engine a collecting sink for its own queries).
    package var sink: ReplySink
    /// How runs behave.
    package var settings: Pipeline.Settings
    /// The piped session's "Reading messages..." line, shown while it waits subscribed with
    /// nothing owed (stdout a terminal, not --raw); nil for none.
    package var messageBanner: MessageBanner?
    private let reactor: Reactor
    /// Ctrl-C can be noticed (a descriptor was given).
    private let interruptible: Bool
    /// The piped session took Ctrl-C over while subscribed.
    private var interruptsTaken = false
    private var inputToken: ReactorToken?
    private var inputFD: Int32 = -1
    private var streamingReply: EntryID?
    /// A SHUTDOWN read while replies were owed: it goes once they are all in, since a server
    /// that exits drops the replies it has not written yet.
    private var closing: [[UInt8]]?

    /// An engine over `transport`; Ctrl-C is noticed when `interruptDescriptor` is given.
    package init(transport: Transport, sink: ReplySink, settings: Pipeline.Settings, interruptDescriptor: Int32? = nil)
    {
        self.transport = transport
        self.sink = sink
        self.settings = settings
        self.reactor = Reactor(interruptDescriptor: interruptDescriptor)
        self.interruptible = interruptDescriptor != nil
    }

    /// Runs `source` to its end (or `quit`, `-e`, Ctrl-C, a fatal failure); the exit status.
    package func run(_ source: CommandSource) -> Int32 {
        let start = monotonicSeconds()
        var pipeline = Pipeline(settings, now: start)
        var failure: RcliError?
        sink.beginRun(now: start)
        transport.beginRun()
        streamingReply = nil
        closing = nil
        while true {
            let now = monotonicSeconds()
            pullInput(source, &pipeline, now: now)
            transport.service(now: now)
            drainEvents(&pipeline, failure: &failure)
            deliver(&pipeline)
            pipeline.tick(now: now)
            followSubscriptions(&pipeline)
            if pipeline.isFinished(now: monotonicSeconds()) { break }
            let wantsInput = pipeline.wantsInput(now: now, backlog: transport.backlog) && !transport.holdsInput
            // A held SHUTDOWN goes as soon as everything before it is answered.
            if wantsInput && closing != nil && pipeline.isSettled { continue }
            // A source without a descriptor (a repeated command) has its next item ready now.
            if wantsInput && closing == nil && source.inputDescriptor == nil && !source.isExhausted { continue }
            sink.flush()
            let fd = wantsInput && closing == nil ? source.inputDescriptor : nil
            watchInput(fd)
            let deadline = [pipeline.nextDeadline(now: now), transport.prepareWait(reactor, now: now)]
                .compactMap { $0 }.min()
            if fd == nil && deadline == nil && transport.isIdle {
                // Nothing can ever answer: report what is left rather than wait forever.
                pipeline.abandonAll(.noConnection)
                continue
            }
            let ready: ReadySet
            let banner = waitsForMessages(pipeline) ? messageBanner : nil
            banner?.show()
            do {
                ready = try reactor.wait(until: deadline)
                banner?.erase()
            } catch {
                banner?.erase()
                failure = .network(.io(error))
                pipeline.fatal()
                break
            }
            if ready.interrupted {
                if leaveSubscribedMode(&pipeline) { continue }
                pipeline.interrupt()
                transport.interrupt()
                break
            }
            if !ready.readiness(inputToken).isEmpty {
                do throws(RcliError) {
                    try source.readAvailable()
                } catch {
                    failure = error
                    pipeline.fatal()
                    break
                }
            }
            transport.handle(ready, now: monotonicSeconds())
        }
        watchInput(nil)
        takeInterrupts(false)
        transport.endRun(completed: pipeline.stop != .interrupted && pipeline.stop != .fatal)
        if case .noReplies(let seconds) = pipeline.stop { failure = .noReplies(seconds: Int(seconds)) }
        sink.endRun(pipeline, failure: failure)
        return pipeline.status
    }

    // MARK: the piped session while subscribed

    /// The piped session follows whether the connection is subscribed: the end of input then
    /// waits for messages, and Ctrl-C leaves subscribed mode rather than ending rcli (taken
    /// over only meanwhile, as redis-cli's handler acts only then).
    private func followSubscriptions(_ pipeline: inout Pipeline) {
        guard settings.subscriptions.waitsAtEndOfInput else { return }
        pipeline.subscribed = transport.subscribed
        takeInterrupts(pipeline.subscribed)
    }

    private func takeInterrupts(_ take: Bool) {
        guard interruptible, settings.subscriptions.waitsAtEndOfInput, take != interruptsTaken else { return }
        interruptsTaken = take
        if take {
            InterruptSignal.handle()
        } else {
            InterruptSignal.restoreDefault()
            _ = InterruptSignal.takePending()
        }
    }

    /// Subscribed with nothing owed: what comes now are messages (or more input).
    private func waitsForMessages(_ pipeline: Pipeline) -> Bool {
        settings.subscriptions.waitsAtEndOfInput && pipeline.subscribed && pipeline.isSettled && closing == nil
    }

    /// Ctrl-C while the piped session waits for messages: as redis-cli, the subscribed
    /// connection is dropped (a new one serves the rest of the input) and the run goes on;
    /// false when the interrupt ends the run as usual (not subscribed, or replies owed).
    private func leaveSubscribedMode(_ pipeline: inout Pipeline) -> Bool {
        guard interruptsTaken, waitsForMessages(pipeline) else { return false }
        transport.interrupt()
        followSubscriptions(&pipeline)
        return true
    }

    /// True while what the transport says is for this run (something is owed, or the piped
    /// session is subscribed). A subscription confirmed while draining keeps it going; one that
    /// ended (or a connection lost with it) counts after the drain, so what the transport has to
    /// say about it (the loss) is still heard.
    private func wantsEvents(_ pipeline: inout Pipeline) -> Bool {
        if settings.subscriptions.waitsAtEndOfInput && !pipeline.subscribed
            && (pipeline.inputEnded || pipeline.inputStopped)
        {
            pipeline.subscribed = transport.subscribed
        }
        return !pipeline.owesNothing
    }

    // MARK: input

    private func watchInput(_ fd: Int32?) {
        if let token = inputToken, fd != inputFD {
            reactor.deregister(token)
            inputToken = nil
        }
        if let fd, inputToken == nil {
            inputToken = reactor.register(fd, .read)
            inputFD = fd
        }
    }

    private func pullInput(_ source: CommandSource, _ pipeline: inout Pipeline, now: Double) {
        while pipeline.wantsInput(now: now, backlog: transport.backlog) && !transport.holdsInput {
            let item: ScriptItem
            if let args = closing {
                guard pipeline.isSettled else { break }
                closing = nil
                item = .command(args)
            } else {
                guard let next = source.next() else { break }
                item = next
            }
            switch item {
            case .message(let text):
                pipeline.admitMessage(text, now: now)
            case .quit:
                pipeline.quit()
            case .connect(let host, let port):
                pipeline.admitConnect(host: host, port: port, now: now)
            case .command(let args):
                var traits = CommandTraits(args)
                if traits.closesConnection && !pipeline.isSettled {
                    closing = args
                    continue
                }
                if traits.subscribe && settings.subscriptions.keepsInput && transport.separatesMessages {
                    traits.streaming = false
                }
                let id = pipeline.admit(traits, args: args, now: now)
                transport.submit(id, Outbound(args: args, traits: traits), now: now)
            case .raw(let bytes, let ends):
                let id = pipeline.admit(nil, args: [], replies: ends.count, now: now)
                transport.submit(id, Outbound(raw: bytes, ends: ends), now: now)
            }
        }
        if source.isExhausted && closing == nil && !pipeline.inputEnded {
            pipeline.endOfInput()
            sink.inputEnded()
        }
    }

    private func drainEvents(_ pipeline: inout Pipeline, failure: inout RcliError?) {
        var now = monotonicSeconds()
        while pipeline.stop == nil, wantsEvents(&pipeline), let event = transport.nextEvent(now: now) {
            if case .replyEvent(let id, let e, let last) = event {
                // The hot path of a streamed reply: one call per element, the clock read once
                // per reply. In input order, whatever comes before it is delivered first.
                let first = streamingReply != id
                if first && settings.ordered {
                    deliver(&pipeline)
                    guard pipeline.streams(id) else { continue }
                    sink.replyBegins(for: pipeline.item(id))
                }
                let isError = sink.replyEvent(e, first: first, last: last)
                streamingReply = last ? nil : id
                if last {
                    now = monotonicSeconds()
                    pipeline.streamed(id, isError: isError, now: now)
                }
                continue
            }
            now = monotonicSeconds()
            apply(event, to: &pipeline, failure: &failure, now: now)
        }
    }

    /// What the transport said, other than a piece of a streamed reply.
    private func apply(_ event: TransportEvent, to pipeline: inout Pipeline, failure: inout RcliError?, now: Double) {
        switch event {
        case .replyEvent:
            break
        case .reply(let id, let value, let origin):
            deliverUnordered(id, .value(value, origin: origin), now: now)
            pipeline.replied(id, value, origin: origin, now: now)
        case .counted(let node, let replies):
            sink.counted(replies, node: node)
            pipeline.counted(replies, now: now)
        case .failed(let id, let why, let node):
            deliverUnordered(id, .failed(why, origin: node.map { ReplyOrigin(node: $0, slot: nil) }), now: now)
            pipeline.failedCommand(id, why, now: now)
        case .closed(let id):
            deliverUnordered(id, .closed, now: now)
            pipeline.closed(id, now: now)
        case .rerouted(let id, _):
            pipeline.rerouted(id)
        case .linkLost(let node, let reason, let ids):
            if settings.ordered {
                for id in ids { pipeline.failedCommand(id, .unknownOutcome(reason: reason, node: node), now: now) }
            } else {
                sink.lost(ids.count, node: node, reason: reason)
                pipeline.lost(ids.count)
            }
        case .push(.value(let value)) where settings.subscriptions.waitsAtEndOfInput && transport.subscribed:
            // Subscribed, redis-cli 7.2 prints a push (a client-tracking invalidation) as it
            // prints messages: in the output format, whatever --show-pushes says.
            deliver(&pipeline)
            if let message = pipeline.message(value) { sink.stream(.value(message)) }
        case .push(let part):
            sink.push(part)
        case .stream(.event(let e, let last)):
            sink.stream(.event(e, last: last))
        case .message(let value):
            // After the replies that came before it.
            deliver(&pipeline)
            if let message = pipeline.message(value) { sink.stream(.value(message)) }
        case .stream(.value(let value)):
            if let message = pipeline.streamMessage(value) { sink.stream(.value(message)) }
        case .streamEnded(let error):
            sink.note(error)
            pipeline.streamEnded()
        case .fatal(.interrupted):
            // Ctrl-C ended a connect the transport made (the shell's waits give way to it).
            pipeline.interrupt()
            transport.interrupt()
        case .fatal(let error):
            failure = error
            pipeline.fatal()
        }
    }

    /// In an unordered run (`--pipe`) an outcome goes to the sink as it comes.
    private func deliverUnordered(_ id: EntryID, _ outcome: Pipeline.Outcome, now: Double) {
        guard !settings.ordered else { return }
        let entry = Pipeline.Entry(id: id, item: .command(nil, args: []), sentAt: now, outcome: outcome)
        _ = sink.deliver(entry, now: now)
    }

    private func deliver(_ pipeline: inout Pipeline) {
        while let entry = pipeline.nextDelivery() {
            let now = monotonicSeconds()
            if case .connect(let host, let port) = entry.item, let error = transport.retarget(host: host, port: port) {
                sink.note(error)
            }
            let isError = sink.deliver(entry, now: now)
            if !isError, case .command(let traits?, let args) = entry.item {
                var origin: ReplyOrigin?
                if case .value(_, let o)? = entry.outcome { origin = o }
                transport.commandSucceeded(traits, args: args, origin: origin)
            }
            pipeline.delivered(entry, isError: isError, now: now)
        }
        for message in pipeline.takeStreamMessages() { sink.stream(.value(message)) }
    }
}
