import RedisNet

/// What a person sees while the servers move slots (`AtomicSlotMover`). Piped: one plain line per
/// pair when it ends (`Moved 1365 slots 0-1364 from a to b in 0.42 s`). On a terminal, the same
/// lines plus one line redrawn at most ten times a second: slots done of total, each running
/// job's pair, state and time, and the time since the start.
final class AtomicMoveProgress {
    private let log: ManagerLog
    private let terminal: Bool
    private let start = monotonicSeconds()
    private var lastDraw = 0.0
    private var pairs: [(text: String, slots: Int)] = []
    /// Per pair: its state while it runs, when it started.
    private var states: [Int: (state: String, since: Double)] = [:]
    private var done = 0
    private var total = 0
    /// A progress line is on the screen (terminal).
    private var drawn = false

    init(log: ManagerLog) {
        self.log = log
        self.terminal = log.output.stdoutIsTerminal
    }

    func begin(pairs: [(text: String, slots: Int)]) {
        self.pairs = pairs
        total = pairs.reduce(0) { $0 + $1.slots }
        draw(force: true)
    }

    func started(_ pair: Int, id: String) {
        states[pair] = ("started", monotonicSeconds())
        draw(force: false)
    }

    func state(_ pair: Int, _ state: String) {
        states[pair]?.state = state
        draw(force: false)
    }

    /// `pair`'s job succeeded.
    func finished(_ pair: Int) {
        let since = states[pair]?.since ?? start
        states[pair] = nil
        done += pairs[pair].slots
        line(
            "Moved \(pairs[pair].slots) slot\(pairs[pair].slots == 1 ? "" : "s") \(pairs[pair].text) in "
                + System.cFormat("%.2f", monotonicSeconds() - since) + " s")
    }

    /// `pair`'s job ended without moving its slots (`how`: failed, cancelled).
    func ended(_ pair: Int, _ how: String) {
        states[pair] = nil
        line("Not moved (\(how)): \(pairs[pair].slots) slots \(pairs[pair].text)")
    }

    /// A line of its own above the progress line.
    func note(_ text: String) {
        clear()
        log.warn(text)
        draw(force: true)
    }

    /// Another poll: the times on the line move on.
    func tick() {
        draw(force: false)
    }

    /// Leaves the progress line.
    func finish() {
        clear()
    }

    private func line(_ text: String) {
        clear()
        log.plain(text + "\n")
        draw(force: true)
    }

    private func clear() {
        guard terminal && drawn else { return }
        log.plain("\r\u{1b}[2K")
        drawn = false
    }

    private func draw(force: Bool) {
        guard terminal else { return }
        let now = monotonicSeconds()
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let percent = total > 0 ? done * 100 / total : 100
        var text = "\r\u{1b}[2KMoving slots: \(done)/\(total) (\(percent)%)"
        for (pair, running) in states.sorted(by: { $0.key < $1.key }).prefix(3) {
            text += " | \(pairs[pair].text): \(running.state) \(Int(now - running.since)) s"
        }
        if states.count > 3 { text += " | \(states.count - 3) more" }
        let elapsed = Int(now - start)
        text += " | " + "\(elapsed / 60):" + (elapsed % 60 < 10 ? "0" : "") + "\(elapsed % 60)"
        // One screen line, or the next redraw cannot take it back.
        let width = (Platform.terminalColumns(1) ?? 80) - 1 + 5
        if text.count > width { text = String(text.prefix(width - 3)) + "..." }
        log.plain(text)
        drawn = true
    }
}
