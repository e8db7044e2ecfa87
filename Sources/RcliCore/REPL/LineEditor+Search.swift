import CLibEdit
import RedisNet

/// Ctrl-R / Ctrl-S: the terminal side of `HistorySearch`.
///
/// The key function (bound to ^R and ^S) only notes the line, empties it and asks libedit for a
/// refresh, which leaves the cursor on the prompt's row. The next call of the character source
/// then runs the search itself: it reads the keys, draws the search line in place of the prompt
/// (wrapped lines too: it knows which row the cursor is on), and at the end erases what it drew,
/// puts the chosen line into libedit's buffer and has libedit redraw it from scratch; for Enter it
/// hands libedit a newline, so the line is submitted as if typed.
extension LineEditor {
    /// How a search ended.
    enum SearchEnd {
        /// Run the line (hand libedit a newline).
        case run
        /// Back to editing the line.
        case edit
        /// The terminal closed.
        case endOfInput
    }

    /// The key function for Ctrl-R / Ctrl-S: starts a search over the in-memory history.
    func startSearch(_ direction: HistorySearch.Direction) -> UInt8 {
        lineBeforeSearch = currentLine()
        var entries: [String] = []
        var next = rcli_history_walk(history, 1)
        while let line = next {
            entries.append(String(cString: line))
            next = rcli_history_walk(history, 0)
        }
        search = HistorySearch(entries: entries.reversed(), direction: direction)
        replaceLine(with: "", cursor: 0)
        return UInt8(CC_REFRESH)
    }

    /// Reads keys and redraws until one leaves the search; libedit's line is then set.
    func runSearch() -> SearchEnd {
        var row = promptWidth / columns
        func write(_ text: String) {
            fputs(text, rcli_stdout())
            fflush(rcli_stdout())
        }
        func erase() {
            write(Self.searchErasing(cursorRow: row))
            row = 0
        }
        func draw() {
            guard let search else { return }
            let drawing = Self.searchDrawing(search, columns: columns, cursorRow: row)
            write(drawing.text)
            row = drawing.cursorRow
        }
        draw()
        while var state = search {
            guard let bytes = readKey(erase: erase, redraw: draw) else {
                erase()
                search = nil
                return .endOfInput
            }
            let outcome = state.handle(HistorySearch.key(bytes))
            search = state
            let end: SearchEnd
            switch outcome {
            case .searching:
                draw()
                continue
            case .run(let text):
                replaceLine(with: text, cursor: text.unicodeScalars.count)
                end = .run
            case .edit(let text, let cursor):
                replaceLine(with: text, cursor: cursor)
                end = .edit
            case .cancel:
                replaceLine(with: lineBeforeSearch.text, cursor: lineBeforeSearch.cursor)
                end = .edit
            }
            erase()
            search = nil
            rcli_el_refresh(editor)
            if drawnWhole != nil { drawWholeLine() }
            return end
        }
        return .edit
    }

    /// Escape codes that redraw the search line: up to the row where the last drawing began
    /// (the cursor being `cursorRow` rows below it), clear to the end of the screen, then prompt,
    /// text before the match, the match in bold and the rest, with the cursor left just after
    /// the match (as redis-cli). Also the row the cursor ends on.
    static func searchDrawing(_ search: HistorySearch, columns: Int, cursorRow: Int) -> (text: String, cursorRow: Int) {
        let shown = search.display
        var text = search.prompt
        // As redis-cli 7.4: the reset and bold codes only around a hit; no hit shows the bare term.
        if shown.match.isEmpty {
            text += shown.before
        } else {
            text += "\u{1b}[0m" + shown.before + "\u{1b}[1m" + shown.match + "\u{1b}[0m" + shown.after
        }
        return lineDrawing(
            text, width: columnsTaken(search.prompt + shown.before + shown.match + shown.after),
            cursorAt: columnsTaken(search.prompt + shown.before + shown.match), columns: columns, cursorRow: cursorRow)
    }

    /// Escape codes that draw `text` (`width` columns wide) in place of the last drawing (the
    /// cursor being `cursorRow` rows below where it began), leaving the cursor `cursorAt` columns
    /// from the start; also the row the cursor ends on.
    static func lineDrawing(_ text: String, width: Int, cursorAt target: Int, columns: Int, cursorRow: Int) -> (
        text: String, cursorRow: Int
    ) {
        let columns = max(columns, 1)
        var drawing = searchErasing(cursorRow: cursorRow) + text
        // A line that exactly fills its last row: move to the next one, so the row is known
        // whatever the terminal does with its pending wrap.
        if width > 0 && width % columns == 0 { drawing += "\r\n" }
        let up = width / columns - target / columns
        if up > 0 { drawing += "\u{1b}[\(up)A" }
        drawing += "\r"
        if target % columns > 0 { drawing += "\u{1b}[\(target % columns)C" }
        return (drawing, target / columns)
    }

    /// The terminal columns `text` takes (wcwidth: 2 for CJK, 0 for combining marks; 1 for what
    /// the locale does not know).
    static func columnsTaken(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let width = rcli_wcwidth(wchar_t(bitPattern: scalar.value))
            return total + (width >= 0 ? Int(width) : 1)
        }
    }

    /// Escape codes that clear what a search drew, leaving the cursor where it began.
    static func searchErasing(cursorRow: Int) -> String {
        (cursorRow > 0 ? "\u{1b}[\(cursorRow)A" : "") + "\r\u{1b}[J"
    }

    /// The terminal bytes of one key: a control byte, an escape sequence (ESC alone when nothing
    /// follows within 50 ms), or a run of printable characters already typed (a paste is one
    /// key, so one redraw). Nil at end of input.
    private func readKey(erase: () -> Void, redraw: () -> Void) -> [UInt8]? {
        if pendingIndex >= pending.count {
            guard waitForInput(erase: erase, redraw: redraw) else { return nil }
        }
        let lead = pending[pendingIndex]
        if lead == 0x1b {
            pendingIndex += 1
            return readEscapeSequence()
        }
        if lead < 0x20 || lead == 0x7f {
            pendingIndex += 1
            return [lead]
        }
        var key: [UInt8] = []
        repeat {
            guard let character = nextCharacter() else { return key.isEmpty ? nil : key }
            key += character
        } while pendingIndex < pending.count && pending[pendingIndex] >= 0x20 && pending[pendingIndex] != 0x7f
        return key
    }

    /// The rest of a key that began with ESC: CSI (ESC [ parameters final) or SS3 (ESC O x), or
    /// ESC and one byte (Alt-x).
    private func readEscapeSequence() -> [UInt8] {
        var key: [UInt8] = [0x1b]
        guard let introducer = nextByteSoon() else { return key }
        key.append(introducer)
        guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else { return key }
        while key.count < 16, let byte = nextByteSoon() {
            key.append(byte)
            if introducer == UInt8(ascii: "O") || (0x40...0x7e).contains(byte) { break }
        }
        return key
    }

    /// The next byte, if it is there or arrives within 50 ms.
    private func nextByteSoon() -> UInt8? {
        if pendingIndex >= pending.count {
            let ready = (try? Reactor.wait(for: 0, .read, until: monotonicSeconds() + 0.05)) ?? []
            // (Only a LF from a pipe: as a lone key.)
            guard !ready.isEmpty, readInput() == .bytes else { return nil }
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// libedit's line and the cursor's offset in it, in Unicode scalars.
    func currentLine() -> (text: String, cursor: Int) {
        guard let info = el_wline(editor)?.pointee, let buffer = info.buffer, let last = info.lastchar,
            let cursor = info.cursor
        else { return ("", 0) }
        var text = ""
        for wide in UnsafeBufferPointer(start: buffer, count: last - buffer) {
            text.unicodeScalars.append(Unicode.Scalar(UInt32(bitPattern: wide)) ?? "\u{fffd}")
        }
        return (text, cursor - buffer)
    }

    /// Replaces libedit's line with `text`, the cursor `cursor` Unicode scalars into it.
    private func replaceLine(with text: String, cursor: Int) {
        if let info = el_wline(editor)?.pointee, let buffer = info.buffer, let last = info.lastchar,
            let at = info.cursor
        {
            el_cursor(editor, Int32(last - at))
            el_deletestr(editor, Int32(last - buffer))
        }
        var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        guard !wide.isEmpty else { return }
        let length = wide.count
        wide.append(0)
        _ = el_winsertstr(editor, wide)
        el_cursor(editor, Int32(cursor - length))
    }
}
