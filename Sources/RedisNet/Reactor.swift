/// What a registration waits for.
package struct Interest: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bytes to read (or end of stream).
    package static let read = Interest(rawValue: 1)
    /// Room to write.
    package static let write = Interest(rawValue: 2)
}

/// What a descriptor is ready for.
package struct Readiness: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Readable (or buffered bytes a TLS stream holds).
    package static let readable = Readiness(rawValue: 1)
    /// Writable.
    package static let writable = Readiness(rawValue: 2)
    /// Hung up or in error: reading says how.
    package static let hangup = Readiness(rawValue: 4)

    /// Readable or hung up: a read will not block and tells what happened.
    package var readOrHangup: Bool { !isDisjoint(with: [.readable, .hangup]) }
}

/// A registration: its slot and the generation it was made in, so an event for a descriptor
/// closed (and its number reused) during the same tick is recognised as stale and dropped.
package struct ReactorToken: Sendable, Hashable {
    let slot: Int
    let generation: Int
}

/// What one wait found: Ctrl-C first, then the registrations that are ready.
package struct ReadySet: Sendable {
    /// Ctrl-C was pressed (the self-pipe has been drained).
    package var interrupted = false
    /// Nothing was ready before the deadline.
    package var timedOut = false
    fileprivate var ready: [(token: ReactorToken, readiness: Readiness)] = []

    /// What `token` is ready for (empty for a token that is not ready or no longer registered).
    package func readiness(_ token: ReactorToken?) -> Readiness {
        guard let token else { return [] }
        for entry in ready where entry.token == token { return entry.readiness }
        return []
    }
}

/// The program's one wait loop: the only caller of poll(2). Sockets (plain and TLS), stdin,
/// the Ctrl-C self-pipe and timers (the deadline passed to `wait`) are waited on together.
/// Registrations change only when their owner's needs change (write interest while bytes are
/// pending); a registration marked ready (`markReady`: TLS plaintext already decrypted, which
/// poll cannot see) is reported readable by the next wait, which then does not block.
package final class Reactor {
    private struct Registration {
        var fd: Int32
        var interest: Interest
        var generation: Int
        var markedReady = false
    }

    private var slots: [Registration?] = []
    private var freeSlots: [Int] = []
    private var generation = 0
    private let interruptDescriptor: Int32?
    private var pollSet: [pollfd] = []
    private var pollOwners: [Int] = []

    /// A reactor that also watches the Ctrl-C self-pipe, when given.
    package init(interruptDescriptor: Int32? = nil) {
        self.interruptDescriptor = interruptDescriptor
    }

    /// Watches `fd` for `interest`.
    package func register(_ fd: Int32, _ interest: Interest) -> ReactorToken {
        generation += 1
        let registration = Registration(fd: fd, interest: interest, generation: generation)
        if let slot = freeSlots.popLast() {
            slots[slot] = registration
            return ReactorToken(slot: slot, generation: generation)
        }
        slots.append(registration)
        return ReactorToken(slot: slots.count - 1, generation: generation)
    }

    /// Changes what `token` waits for (an empty interest keeps it registered but idle).
    package func update(_ token: ReactorToken, _ interest: Interest) {
        guard token.slot < slots.count, slots[token.slot]?.generation == token.generation else { return }
        slots[token.slot]?.interest = interest
    }

    /// Bytes are waiting for `token` that poll cannot see (decrypted TLS records): the next wait
    /// reports it readable and returns without blocking.
    package func markReady(_ token: ReactorToken) {
        guard token.slot < slots.count, slots[token.slot]?.generation == token.generation else { return }
        slots[token.slot]?.markedReady = true
    }

    /// Stops watching `token`; later events for it are dropped.
    package func deregister(_ token: ReactorToken) {
        guard token.slot < slots.count, slots[token.slot]?.generation == token.generation else { return }
        slots[token.slot] = nil
        freeSlots.append(token.slot)
    }

    /// True while `token` is registered.
    package func isRegistered(_ token: ReactorToken) -> Bool {
        token.slot < slots.count && slots[token.slot]?.generation == token.generation
    }

    /// Waits until Ctrl-C, a registration is ready, or `deadline` (monotonic seconds; nil waits
    /// without a limit) passes. Buffered input counts as ready without waiting.
    package func wait(until deadline: Double?) throws(SystemError) -> ReadySet {
        var result = ReadySet()
        pollSet.removeAll(keepingCapacity: true)
        pollOwners.removeAll(keepingCapacity: true)
        if let fd = interruptDescriptor {
            pollSet.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            pollOwners.append(-1)
        }
        var buffered: [Int] = []
        for (slot, registration) in slots.enumerated() {
            guard let registration, !registration.interest.isEmpty else { continue }
            if registration.markedReady {
                slots[slot]?.markedReady = false
                if registration.interest.contains(.read) { buffered.append(slot) }
            }
            pollSet.append(pollfd(fd: registration.fd, events: Self.events(registration.interest), revents: 0))
            pollOwners.append(slot)
        }
        let ready = try Self.waitOnSet(&pollSet, deadline: buffered.isEmpty ? deadline : 0)
        for (i, pfd) in pollSet.enumerated() where pfd.revents != 0 || buffered.contains(pollOwners[i]) {
            let owner = pollOwners[i]
            if owner < 0 {
                InterruptSignal.drain(pfd.fd)
                result.interrupted = true
                continue
            }
            guard let registration = slots[owner] else { continue }
            var readiness = Self.readiness(pfd.revents)
            if buffered.contains(owner) { readiness.insert(.readable) }
            result.ready.append((ReactorToken(slot: owner, generation: registration.generation), readiness))
        }
        result.timedOut = ready == 0 && buffered.isEmpty
        return result
    }

    // MARK: blocking helpers (one descriptor, or a few, outside the run loop)

    /// Waits until `fd` is ready for `interest` or `deadline` passes; empty on timeout.
    package static func wait(for fd: Int32, _ interest: Interest, until deadline: Double?) throws(SystemError)
        -> Readiness
    {
        try wait(for: [(fd, interest)], until: deadline)[0]
    }

    /// Waits until one of `descriptors` is ready or `deadline` passes; each one's readiness.
    package static func wait(
        for descriptors: [(fd: Int32, interest: Interest)],
        until deadline: Double?
    ) throws(SystemError) -> [Readiness] {
        var set = descriptors.map { pollfd(fd: $0.fd, events: events($0.interest), revents: 0) }
        _ = try waitOnSet(&set, deadline: deadline)
        return set.map { readiness($0.revents) }
    }

    /// Waits until `fd` is ready for `interest` or `deadline` passes (empty on timeout), for the
    /// blocking steps of a connection (connect, TLS and Redis handshakes, a round trip). Ctrl-C
    /// ends the wait with `.interrupted` once the program has asked for that
    /// (`InterruptSignal.endsBlockingWaits`, the shell); elsewhere it keeps its meaning there.
    package static func waitOnConnection(_ fd: Int32, _ interest: Interest, until deadline: Double?)
        throws(NetError) -> Readiness
    {
        try waitOnConnections([(fd, interest)], until: deadline)[fd] ?? []
    }

    /// `waitOnConnection` over several descriptors (a connect dialling several addresses): what
    /// each was found ready for, by descriptor (those not ready left out), as `Dialer.advance`
    /// and `SessionConnect.advance` take it.
    package static func waitOnConnections(_ descriptors: [(fd: Int32, interest: Interest)], until deadline: Double?)
        throws(NetError) -> [Int32: Readiness]
    {
        var watched = descriptors
        let pipe = InterruptSignal.blockingWaitDescriptor
        if let pipe { watched.append((pipe, .read)) }
        var ready: [Readiness]
        do {
            ready = try wait(for: watched, until: deadline)
        } catch {
            throw .io(error)
        }
        // The pipe is left as it is: every wait that unwinds after this one ends too, and the
        // run loop (or the shell, which empties it before each line) still sees the Ctrl-C.
        if pipe != nil, let last = ready.popLast(), !last.isEmpty { throw .interrupted }
        var found: [Int32: Readiness] = [:]
        for (wait, readiness) in zip(descriptors, ready) where !readiness.isEmpty { found[wait.fd] = readiness }
        return found
    }

    /// What `fd` is ready for now, without waiting (empty on any failure).
    package static func readinessNow(_ fd: Int32, _ interest: Interest) -> Readiness {
        (try? wait(for: fd, interest, until: 0)) ?? []
    }

    private static func events(_ interest: Interest) -> Int16 {
        var events: Int16 = 0
        if interest.contains(.read) { events |= Int16(POLLIN) }
        if interest.contains(.write) { events |= Int16(POLLOUT) }
        return events
    }

    private static func readiness(_ revents: Int16) -> Readiness {
        var r: Readiness = []
        if revents & Int16(POLLIN) != 0 { r.insert(.readable) }
        if revents & Int16(POLLOUT) != 0 { r.insert(.writable) }
        if revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { r.insert(.hangup) }
        return r
    }

    /// The program's only poll(2): retried on EINTR with the time left recomputed from the
    /// absolute deadline (a deadline of 0 or in the past polls without waiting).
    private static func waitOnSet(_ set: inout [pollfd], deadline: Double?) throws(SystemError) -> Int32 {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - monotonicSeconds()
                timeout = left <= 0 ? 0 : Int32(min(left * 1000 + 1, 3_600_000))
            }
            let n = set.withUnsafeMutableBufferPointer { buffer in
                poll(buffer.baseAddress, nfds_t(buffer.count), timeout)
            }
            if n >= 0 { return n }
            let e = errno
            // A signal (Ctrl-C writes the self-pipe, which the next pass sees): wait again.
            if e == EINTR { continue }
            throw SystemError(call: "poll", code: e)
        }
    }
}

nonisolated(unsafe) private var interruptWriteDescriptor: Int32 = -1
nonisolated(unsafe) private var interruptReadDescriptor: Int32 = -1
nonisolated(unsafe) private var interruptHandled = false
nonisolated(unsafe) private var interruptEndsBlockingWaits = false

/// SIGINT turned into a readable descriptor (a self-pipe), so the wait loop notices Ctrl-C.
package enum InterruptSignal {
    /// Installs the handler (the pipe once); returns the descriptor that becomes readable on
    /// Ctrl-C.
    package static func install() -> Int32? {
        guard let fd = descriptor() else { return nil }
        handle()
        return fd
    }

    /// The descriptor that becomes readable on Ctrl-C once `handle` (or `install`) has run:
    /// until then Ctrl-C keeps its default action (the piped session takes it over only while
    /// subscribed, as redis-cli's handler does).
    package static func descriptor() -> Int32? {
        if interruptReadDescriptor < 0 {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            interruptWriteDescriptor = fds[1]
            interruptReadDescriptor = fds[0]
        }
        return interruptReadDescriptor
    }

    /// True when Ctrl-C is ignored (inherited so: a background job of a shell without job
    /// control); a mode that takes it over only now and then leaves it so.
    package static var isIgnored: Bool { Platform.isIgnored(signal: SIGINT) }

    /// Ctrl-C writes the descriptor from now on (`restoreDefault` gives it back).
    package static func handle() {
        if !interruptHandled {
            Platform.handle(signal: SIGINT) { _ in
                var byte: UInt8 = 1
                _ = Platform.write(interruptWriteDescriptor, &byte, 1)
            }
            interruptHandled = true
        }
    }

    /// Ctrl-C ends the process again, for a mode that waits on its own after the shell had
    /// the handler (the Lua debugger restarted from the shell); `install` takes it back.
    package static func restoreDefault() {
        signal(SIGINT, SIG_DFL)
        interruptHandled = false
    }

    /// Ctrl-C also ends the blocking waits of connections (connect, handshake, a round trip)
    /// while the handler is installed: set by the shell, where Ctrl-C gives the prompt back.
    /// Left off elsewhere, so a mode that counts presses itself (the cluster manager's moves,
    /// `--keystats`) still sees every one.
    package static var endsBlockingWaits: Bool {
        get { interruptEndsBlockingWaits }
        set { interruptEndsBlockingWaits = newValue }
    }

    /// The descriptor a connection's blocking wait watches for Ctrl-C, nil when Ctrl-C does not
    /// end such waits now.
    static var blockingWaitDescriptor: Int32? {
        interruptEndsBlockingWaits && interruptHandled && interruptReadDescriptor >= 0 ? interruptReadDescriptor : nil
    }

    /// The self-pipe's read end, -1 before `install`.
    static var readDescriptor: Int32 { interruptReadDescriptor }

    /// True (and the pipe emptied) when Ctrl-C was pressed since the last check.
    package static func takePending() -> Bool {
        guard interruptReadDescriptor >= 0 else { return false }
        var byte: UInt8 = 0
        guard Platform.read(interruptReadDescriptor, &byte, 1) > 0 else { return false }
        drain(interruptReadDescriptor)
        return true
    }

    /// How many times Ctrl-C was pressed since the last check (the pipe emptied): a wait that
    /// held up the caller can have seen two presses, which must count as two.
    package static func takeCount() -> Int {
        guard interruptReadDescriptor >= 0 else { return 0 }
        var buf = [UInt8](repeating: 0, count: 64)
        var count = 0
        while true {
            let n = Platform.read(interruptReadDescriptor, &buf, buf.count)
            if n <= 0 { break }
            count += n
        }
        return count
    }

    /// Empties the descriptor after an interrupt was handled.
    package static func drain(_ fd: Int32) {
        var buf = [UInt8](repeating: 0, count: 64)
        while Platform.read(fd, &buf, buf.count) > 0 {}
    }
}
