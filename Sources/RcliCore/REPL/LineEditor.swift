import CLibEdit
import RedisNet

/// libedit's line editor and history; with its PseudoTerminal, the only user of CLibEdit.
///
/// Ctrl-C at the prompt arrives as a key (signals are off while editing) and abandons the line;
/// Ctrl-D on an empty line is end of input; Ctrl-R / Ctrl-S search the history as redis-cli 7.4
/// (LineEditor+Search.swift; flow control is off while editing, so Ctrl-S arrives). `~/.editrc` is
/// read, so `bind -v` and friends work. Lines are UTF-8 whatever the locale says (LC_CTYPE is set
/// to a UTF-8 one: libedit drops what the "C" locale cannot convert).
///
/// With `keysFromPipe` (redis-cli's `FAKETTY_WITH_PROMPT` test hook) stdin is a pipe whose bytes
/// are the keys: libedit gets a pseudo-terminal of 80 columns to set its modes on (and is told the
/// terminal is an xterm whatever TERM says), the keys are still read from stdin, a bare LF is
/// ignored as linenoise does (Enter is CR there), and the drawing goes to stdout, the whole line
/// again after each key as linenoise draws it.
package final class LineEditor {
    /// What one `readLine` produced.
    package enum Input: Equatable {
        case line(String)
        case interrupted
        case endOfInput
    }

    let editor: OpaquePointer
    let history: OpaquePointer
    private var prompt: UnsafeMutablePointer<CChar>?
    fileprivate var interrupted = false
    /// Candidates for the word being completed: (text before the cursor) -> full words.
    package var completer: ((String) -> [String])?
    /// The dimmed hint to show after the line (when the cursor is at its end), or nil.
    package var hinter: ((String) -> String?)?
    var promptWidth = 0
    /// The prompt as written to the terminal (without libedit's \u{1} markers).
    var visiblePrompt = ""
    /// Descriptors watched while waiting for a key (connections, for RESP3 pushes and pub/sub
    /// messages), and what to do when one is readable: print above the line, then redrawn.
    package var background: (descriptors: [Int32], onReadable: () -> Void)?
    /// Work done in small steps while waiting for a key (the shell's idle key scan); a key
    /// press comes first.
    package var idle: IdleWork?
    /// The terminal libedit is given when the keys come from a pipe.
    private let fakeTerminal: PseudoTerminal?

    /// An editor named `program` (the name `~/.editrc` sections use); with `keysFromPipe`, one
    /// for keys read from a pipe on stdin (nil when no pseudo-terminal can be had).
    package init?(program: String, keysFromPipe: Bool = false) {
        rcli_use_utf8_ctype()
        fakeTerminal = keysFromPipe ? PseudoTerminal() : nil
        if keysFromPipe && fakeTerminal == nil { return nil }
        // libedit edits only when both its input and output are terminals: under the hook both are
        // the pseudo-terminal at first, then the output is switched to stdout.
        let terminal = fakeTerminal?.slave
        guard let el = el_init(program, terminal ?? rcli_stdin(), terminal ?? rcli_stdout(), rcli_stderr()) else {
            return nil
        }
        guard let h = history_init() else {
            el_end(el)
            return nil
        }
        editor = el
        history = h
        // TERM may say "dumb" (redis's tests set it) or nothing: the drawing still needs cursor moves.
        if keysFromPipe {
            rcli_el_set_terminal(el, "xterm")
            rcli_el_set_output(el, rcli_stdout())
        }
        rcli_history_set_size(h, 10_000)
        rcli_history_set_unique(h, 1)
        rcli_el_set_editor(el, "emacs")
        rcli_el_set_history(el, h)
        rcli_el_set_signal(el, 1)
        rcli_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        rcli_el_set_prompt(el) { el in
            guard let el, let data = rcli_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().prompt
        }
        rcli_el_add_function(el, "rcli-interrupt", "Abandon the line") { el, _ in
            if let el, let data = rcli_el_get_clientdata(el) {
                Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupted = true
            }
            return UInt8(CC_NEWLINE)
        }
        rcli_el_add_function(el, "rcli-complete", "Complete a command or help topic") { el, _ in
            guard let el, let data = rcli_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete()
        }
        rcli_el_set_getc(el) { el, out in
            guard let el, let out, let data = rcli_el_get_clientdata(el) else { return -1 }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().readCharacter(into: out)
        }
        rcli_el_bind(el, "^C", "rcli-interrupt")
        rcli_el_bind(el, "^I", "rcli-complete")
        rcli_el_add_function(el, "rcli-search-backward", "Search the history backward (redis-cli's Ctrl-R)") { el, _ in
            guard let el, let data = rcli_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().startSearch(.backward)
        }
        rcli_el_add_function(el, "rcli-search-forward", "Search the history forward (redis-cli's Ctrl-S)") { el, _ in
            guard let el, let data = rcli_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().startSearch(.forward)
        }
        rcli_el_bind(el, "^R", "rcli-search-backward")
        rcli_el_bind(el, "^S", "rcli-search-forward")
        // Word jumps on Ctrl and Alt arrows, as redis-cli 8.4 (ESC b / ESC f are libedit's own);
        // unbound, their escape sequences left ";5D" in the line.
        for (key, function) in [
            ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word"), ("\\e[1;3D", "ed-prev-word"),
            ("\\e[1;3C", "em-next-word"),
        ] {
            rcli_el_bind(el, key, function)
        }
        // No flow control while editing, so that Ctrl-S reaches the search.
        command(["setty", "-d", "-isig", "-ixon"])
        el_source(el, nil)
    }

    deinit {
        el_end(editor)
        history_end(history)
        free(prompt)
    }

    private func command(_ words: [String]) {
        var argv = words.map { strdup($0) }
        defer { for p in argv { free(p) } }
        argv.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
                _ = el_parse(editor, Int32(words.count), $0.baseAddress)
            }
        }
    }

    /// Reads one line, showing `prompt`.
    package func readLine(prompt text: String) -> Input {
        free(prompt)
        prompt = strdup(text)
        // Characters between a pair of \u{1} (colour escapes) take no room on the screen.
        let parts = text.split(separator: "\u{1}", omittingEmptySubsequences: false)
        promptWidth = parts.enumerated().reduce(0) { $0 + ($1.offset % 2 == 0 ? $1.element.count : 0) }
        visiblePrompt = parts.joined()
        interrupted = false
        drawnWhole = fakeTerminal != nil ? ("", 0) : nil
        var count: Int32 = 0
        guard let raw = el_gets(editor, &count), count >= 0 else { return .endOfInput }
        if interrupted {
            return .interrupted
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Bytes read from the terminal and not yet handed to libedit.
    var pending: [UInt8] = []
    var pendingIndex = 0

    /// True when keys were read from the terminal that the editor has not used yet (typed or
    /// pasted ahead of the prompt).
    package var hasPendingInput: Bool { pendingIndex < pending.count }
    /// Under the test hook, the line (and cursor) as last drawn whole: linenoise draws the whole
    /// line after every key, and tools match what they read against that, where libedit draws only
    /// what changed. Nil on a terminal.
    var drawnWhole: (text: String, cursor: Int)?
    /// The Ctrl-R / Ctrl-S search in progress, and the line as it was before it.
    var search: HistorySearch?
    var lineBeforeSearch = (text: "", cursor: 0)

    /// libedit's character source: shows the hint, waits for a key (printing pushed messages
    /// meanwhile), erases the hint, and decodes UTF-8 into one wide character. A long run of
    /// printable bytes already waiting (a paste) goes into the line in one insertion: one key
    /// at a time, libedit redraws a wrapped line per byte. 1 on success, 0 at end of input.
    private func readCharacter(into out: UnsafeMutablePointer<wchar_t>) -> Int32 {
        if search != nil {
            switch runSearch() {
            case .endOfInput: return 0
            case .run:
                out.pointee = wchar_t(0x0a)
                return 1
            case .edit: break
            }
        }
        redrawWholeLineIfChanged()
        if pendingIndex >= pending.count {
            var shown = drawHint()
            let more = waitForInput(
                erase: {
                    fputs("\r\u{1b}[K", rcli_stdout())
                    fflush(rcli_stdout())
                },
                redraw: {
                    rcli_el_refresh(editor)
                    shown = drawHint()
                })
            guard more else { return 0 }
            if shown {
                fputs("\u{1b}[K", rcli_stdout())
                fflush(rcli_stdout())
            }
        }
        insertPastedRun()
        // One UTF-8 character (reading the rest of a split sequence if needed).
        guard let bytes = nextCharacter() else { return 0 }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? 0xfffd
        out.pointee = wchar_t(bitPattern: scalar)
        return 1
    }

    /// Waits for input, printing pushed messages meanwhile between `erase` and `redraw`; false
    /// at end of input.
    func waitForInput(erase: () -> Void, redraw: () -> Void) -> Bool {
        while true {
            waitForKey(erase: erase, redraw: redraw)
            switch readInput() {
            case .bytes:
                idle?.keyPressed()
                return true
            case .end: return false
            case .onlyLineFeeds: continue
            }
        }
    }

    /// Waits until a key can be read, printing pushed messages meanwhile and doing the idle
    /// work's steps (a connection the idle work waits on is its own to read until its reply).
    private func waitForKey(erase: () -> Void, redraw: () -> Void) {
        while background != nil || idle != nil {
            let plan = idle?.prepare(now: monotonicSeconds())
            let busy = Set((plan?.waits ?? []).map(\.fd))
            let messages = (background?.descriptors ?? []).filter { !busy.contains($0) }
            switch KeyWait.next(watching: messages, interruptible: false, work: plan?.waits ?? [], until: plan?.wake) {
            case .key, .interrupt:
                return
            case .messages:
                guard let background else { continue }
                erase()
                background.onReadable()
                redraw()
            case .work:
                guard let idle, idle.advance(now: monotonicSeconds()) else { continue }
                erase()
                idle.show()
                redraw()
            }
        }
    }

    /// The bytes of the next UTF-8 character (reading the rest of a split sequence if needed);
    /// nil at end of input.
    func nextCharacter() -> ArraySlice<UInt8>? {
        let lead = pending[pendingIndex]
        let length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
        while pending.count - pendingIndex < length {
            guard fillPending() else { return nil }
        }
        defer { pendingIndex += length }
        return pending[pendingIndex..<(pendingIndex + length)]
    }

    /// Reads what the terminal has (waiting for at least one byte); false at end of input.
    func fillPending() -> Bool {
        while true {
            switch readInput() {
            case .bytes: return true
            case .end: return false
            case .onlyLineFeeds: continue
            }
        }
    }

    /// What one read of the terminal gave.
    enum InputRead: Equatable {
        /// Bytes, appended to `pending`.
        case bytes
        /// Only LF bytes, which are dropped from a pipe (linenoise ignores them: Enter is CR).
        case onlyLineFeeds
        /// End of input (or a read error).
        case end
    }

    /// Reads once what the terminal has (waiting for at least one byte) into `pending`.
    func readInput() -> InputRead {
        if pendingIndex >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
        }
        while true {
            let old = pending.count
            switch System.read(0, appendingTo: &pending) {
            case .success(0): return .end
            case .success:
                if fakeTerminal != nil { Self.dropLineFeeds(&pending, from: old) }
                return pending.count > old ? .bytes : .onlyLineFeeds
            case .failure(let e) where e.code == EINTR || e.code == EAGAIN: continue
            case .failure: return .end
            }
        }
    }

    /// Removes the LF bytes at and after `start`.
    static func dropLineFeeds(_ bytes: inout [UInt8], from start: Int) {
        guard bytes[start...].contains(0x0a) else { return }
        let kept = bytes[start...].filter { $0 != 0x0a }
        bytes.replaceSubrange(start..., with: kept)
    }

    /// Under the test hook, draws the prompt and line again when a key changed them.
    private func redrawWholeLineIfChanged() {
        guard let drawn = drawnWhole, currentLine() != drawn else { return }
        drawWholeLine()
    }

    /// Draws the prompt and the line in one piece over what libedit drew (the cursor where libedit
    /// left it: at the line's cursor), and leaves the cursor there.
    func drawWholeLine() {
        let now = currentLine()
        let scalars = now.text.unicodeScalars
        let typed = String(String.UnicodeScalarView(scalars.prefix(now.cursor)))
        let target = promptWidth + Self.columnsTaken(typed)
        let drawing = Self.lineDrawing(
            visiblePrompt + now.text, width: promptWidth + Self.columnsTaken(now.text), cursorAt: target,
            columns: columns, cursorRow: target / columns)
        fputs(drawing.text, rcli_stdout())
        fflush(rcli_stdout())
        drawnWhole = now
    }

    /// The terminal's width: 80 under the test hook (as linenoise there), else stdout's.
    var columns: Int {
        fakeTerminal != nil ? PseudoTerminal.columns : max(Platform.terminalColumns(1) ?? 80, 1)
    }

    private func insertPastedRun() {
        var end = pendingIndex
        while end < pending.count, pending[end] >= 0x20, pending[end] != 0x7f { end += 1 }
        guard end - pendingIndex >= 64 else { return }
        // Keep the run's last character for libedit; the line is redrawn once here, since
        // libedit draws a character typed at the end of the line by itself, not the line.
        var last = end - 1
        while last > pendingIndex, pending[last] & 0xc0 == 0x80 { last -= 1 }
        guard last > pendingIndex else { return }
        // Back to where the prompt starts (the cursor may be rows below it), cleared.
        if let info = el_line(editor)?.pointee {
            let typed = Self.text(info, upTo: info.cursor)
            fputs(Self.searchErasing(cursorRow: (promptWidth + Self.columnsTaken(typed)) / columns), rcli_stdout())
        }
        var chunk = Array(pending[pendingIndex..<last])
        chunk.append(0)
        chunk.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = el_insertstr(editor, $0.baseAddress) }
        }
        rcli_el_refresh(editor)
        pendingIndex = last
    }

    /// Draws the hint after the cursor when it is at the end of the line; true when drawn.
    private func drawHint() -> Bool {
        guard let hinter, let info = el_line(editor)?.pointee, info.cursor == info.lastchar else { return false }
        let length = info.lastchar - info.buffer
        // Not for long lines, nor while more input is already waiting (a paste in progress):
        // a hint per pasted byte would make pasting quadratic.
        guard length > 0, length <= 4096,
            Reactor.readinessNow(0, .read).isEmpty
        else { return false }
        let line = Self.text(info, upTo: info.lastchar)
        guard var hint = hinter(line), !hint.isEmpty else { return false }
        let room = columns - (promptWidth + line.count) % columns - 1
        guard room > 3 else { return false }
        if hint.count > room { hint = String(hint.prefix(room - 3)) + "..." }
        fputs("\u{1b}[2m" + hint + "\u{1b}[0m\u{1b}[\(hint.count)D", rcli_stdout())
        fflush(rcli_stdout())
        return true
    }

    /// libedit's line (UTF-8) from its start to `end`: the cursor or the line's end.
    private static func text(_ info: LineInfo, upTo end: UnsafePointer<CChar>) -> String {
        String(
            decoding: UnsafeBufferPointer(
                start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self), count: end - info.buffer),
            as: UTF8.self)
    }

    /// Adds a line to the in-memory history.
    package func remember(_ line: String) {
        rcli_history_enter(history, line)
    }

    /// Completes the word before the cursor with the completer's candidates.
    private func complete() -> UInt8 {
        guard let info = el_line(editor)?.pointee, let completer else { return UInt8(CC_ERROR) }
        let before = Self.text(info, upTo: info.cursor)
        let word = String(before.reversed().prefix(while: { $0 != " " }).reversed())
        let candidates = completer(before)
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        var common = candidates[0]
        for c in candidates.dropFirst() {
            common = String(zip(common, c).prefix(while: { $0 == $1 }).map(\.0))
        }
        if candidates.count == 1 { common += " " }
        if common.count > word.count {
            el_insertstr(editor, String(common.dropFirst(word.count)))
            return UInt8(CC_REFRESH)
        }
        // Nothing more to insert: list the choices under the line.
        let shown = candidates.prefix(200).joined(separator: "  ")
        let more = candidates.count > 200 ? "  ... (\(candidates.count - 200) more)" : ""
        fputs("\n" + shown + more + "\n", rcli_stdout())
        return UInt8(CC_REDISPLAY)
    }
}
