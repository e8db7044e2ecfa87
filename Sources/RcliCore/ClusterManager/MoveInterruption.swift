import RedisNet

/// Ctrl-C while slots move: the first press lets the slot in hand finish (so none is left
/// migrating/importing) and stops before the next; a second press stops at once, leaving that
/// one slot open for `--cluster fix` (redis-cli has no handler: any Ctrl-C leaves a slot open).
final class MoveInterruption {
    private(set) var presses = 0
    private var announced = false
    private let log: ManagerLog

    init(log: ManagerLog) {
        self.log = log
        _ = InterruptSignal.install()
    }

    /// Presses so far (reading any new one); the first is announced once, naming `slot`.
    func poll(slot: Int?) -> Int {
        if InterruptSignal.takePending() { presses += 1 }
        if presses == 1 && !announced {
            announced = true
            log.plain("\n")
            if let slot {
                log.warn(
                    "*** Ctrl-C: finishing slot \(slot), then stopping (Ctrl-C again stops at once, leaving it open)")
            } else {
                log.warn("*** Ctrl-C: stopping before the next slot")
            }
        }
        return presses
    }

    /// The closing line and status after a stop between slots.
    func stopped(moved: Int, of total: Int) -> Int32 {
        log.warn("*** Interrupted: \(moved) of \(total) slots moved; no slot was left open.")
        return 130
    }

    /// The closing line and status after a stop inside a slot.
    func stoppedInside(_ slot: Int, source: ManagerNode, target: ManagerNode, moved: Int, entry: String) -> Int32 {
        log.err(
            "*** Interrupted inside slot \(slot) after \(moved) other slots: it is left migrating on "
                + "\(ManagerAddress.text(source.address)) and importing on \(ManagerAddress.text(target.address)). "
                + "Run: rcli --cluster fix \(entry)")
        return 130
    }
}
