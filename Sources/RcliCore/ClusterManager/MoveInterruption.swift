import RedisNet

/// Ctrl-C while slots move: the first press lets the slots in hand finish (so none is left
/// migrating/importing) and stops before the next; a second press stops at once, leaving those
/// slots open for `--cluster fix` (redis-cli has no handler: any Ctrl-C leaves a slot open).
final class MoveInterruption {
    private(set) var presses = 0
    private var announced = false
    private let log: ManagerLog

    init(log: ManagerLog) {
        self.log = log
        _ = InterruptSignal.install()
    }

    /// Presses so far (reading any new one); the first is announced once, naming the slots in hand.
    func poll(inHand slots: [Int]) -> Int {
        if InterruptSignal.takePending() { presses += 1 }
        if presses == 1 && !announced {
            announced = true
            log.plain("\n")
            let again = "(Ctrl-C again stops at once, leaving "
            if slots.count == 1 {
                log.warn("*** Ctrl-C: finishing slot \(slots[0]), then stopping " + again + "it open)")
            } else if !slots.isEmpty {
                log.warn(
                    "*** Ctrl-C: finishing the \(slots.count) slots in hand, then stopping " + again + "them open)")
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

    /// The closing line and status after a stop with slots open.
    func stoppedInside(_ open: [SlotMove], moved: Int, entry: String) -> Int32 {
        log.err(
            "*** Interrupted after \(moved) slots moved, with \(SlotMove.describe(open)) left open. "
                + "Run: rcli --cluster fix \(entry)")
        return 130
    }

    /// The exit status after a run of moves (`before` slots were moved by earlier runs): nil
    /// when every slot moved (the caller checks `presses` once it has nothing left to move).
    func status(
        _ outcome: SlotBatchMover.Outcome, before: Int, total: Int, entry: String, failurePrefix: String = ""
    ) -> Int32? {
        switch outcome {
        case .moved:
            return nil
        case .stopped(let moved):
            return stopped(moved: before + moved, of: total)
        case .stoppedInside(let moved, let open):
            return stoppedInside(open, moved: before + moved, entry: entry)
        case .failed(let text, let moved, let open):
            log.err(failurePrefix + text)
            if !open.isEmpty {
                log.err(
                    "*** \(SlotMove.describe(open)) left open after \(before + moved) slots moved. "
                        + "Run: rcli --cluster fix \(entry)")
            }
            return 1
        }
    }
}
