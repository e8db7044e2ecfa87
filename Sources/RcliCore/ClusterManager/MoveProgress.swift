import RedisNet

/// What a person sees while slots move. Piped (or under a script), redis-cli's own output:
/// `Moving slot N from a to b: ` and a `.` per key (reshard), or a `#` per slot (rebalance). On a
/// terminal, one line redrawn at most ten times a second: slots done of total, keys moved,
/// keys/s and the time left.
final class MoveProgress {
    enum Style {
        /// A line per slot with a dot per key.
        case perSlot
        /// A `#` per slot.
        case hashes
        /// Keys, not slots (import): the caller prints redis-cli's per-key lines when piped.
        case keys
    }

    private let log: ManagerLog
    private let total: Int
    private let style: Style
    private let terminal: Bool
    private var done = 0
    private var keys = 0
    private let start = monotonicSeconds()
    private var lastDraw = 0.0
    /// Piped: a `Moving slot ...: ` line is open (its newline not yet written).
    private var lineOpen = false
    /// Piped per-slot lines not yet finished, in order: the head's line is the open one.
    private var lines: [(slot: Int, header: String, dots: Int, ended: Bool)] = []

    init(log: ManagerLog, total: Int, style: Style) {
        self.log = log
        self.total = total
        self.style = style
        self.terminal = log.output.stdoutIsTerminal
    }

    /// Slots about to move together. Piped per-slot lines still come one slot at a time in
    /// this order: the first unfinished slot's line shows its dots as they come, later slots'
    /// dots wait until the lines before theirs are done.
    func queue(_ moves: [SlotMove]) {
        guard !terminal && style == .perSlot else { return }
        for move in moves {
            lines.append(
                (
                    move.slot,
                    "Moving slot \(move.slot) from \(ManagerAddress.text(move.source.address)) to "
                        + "\(ManagerAddress.text(move.target.address)): ", 0, false
                ))
        }
        showLines()
    }

    /// `count` keys of `slot` moved.
    func moved(slot: Int, keys count: Int) {
        keys += count
        if terminal {
            draw(force: false)
        } else if style == .perSlot, let i = lines.firstIndex(where: { $0.slot == slot }) {
            if i == 0 && lineOpen {
                log.plain(String(repeating: ".", count: count))
            } else {
                lines[i].dots += count
            }
        }
    }

    /// `slot` is done.
    func end(slot: Int) {
        done += 1
        if terminal {
            draw(force: false)
        } else if style == .perSlot {
            if let i = lines.firstIndex(where: { $0.slot == slot }) { lines[i].ended = true }
            showLines()
        } else {
            log.plain("#")
        }
    }

    /// Writes the queued lines that can be written: the head's start, and whole finished ones.
    private func showLines() {
        while let head = lines.first {
            if !lineOpen {
                log.plain(head.header + String(repeating: ".", count: head.dots))
                lineOpen = true
            }
            guard head.ended else { return }
            log.plain("\n")
            lineOpen = false
            lines.removeFirst()
        }
    }

    /// Import: `count` more keys done (each is one unit of the total).
    func imported(_ count: Int) {
        done += count
        keys += count
        if terminal { draw(force: false) }
    }

    /// True when progress is drawn (a terminal): per-item lines are left out.
    var drawsLine: Bool { terminal }

    /// Leaves the progress line (a terminal's last redraw and its newline).
    func finish() {
        if terminal {
            draw(force: true)
            log.plain("\n")
        } else if style == .hashes || lineOpen {
            // (.keys prints nothing here: its per-key lines end with their own newlines.)
            lineOpen = false
            log.plain("\n")
        }
    }

    private func draw(force: Bool) {
        let now = monotonicSeconds()
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now - start, 0.001)
        let percent = total > 0 ? done * 100 / total : 100
        let rate = Int(Double(keys) / elapsed)
        var line =
            style == .keys
            ? "\r\u{1b}[2KImporting keys: \(done)/\(total) (\(percent)%), \(rate) keys/s"
            : "\r\u{1b}[2KMoving slots: \(done)/\(total) (\(percent)%), \(keys) keys, \(rate) keys/s"
        if done > 0 && done < total {
            let left = Int(elapsed / Double(done) * Double(total - done))
            line += ", \(left / 60):" + (left % 60 < 10 ? "0" : "") + "\(left % 60) left"
        }
        log.plain(line)
    }
}
