import RESP

/// redis-cli's human format (`cliFormatReplyTTY`), streamed: numbered elements with the index
/// column right-aligned to the widest index, nested levels indented by the parent's prefix
/// width, `1# k => v` for maps, `1~` for sets, `(empty array)` and friends.
///
/// The newline that ends a line is held back until the next output, because a map key's last
/// newline is replaced by ` => `; that keeps every byte already written final.
///
/// A map's value stays on its key's line unless it spans lines (`cliIsMultilineValueTTY`): an
/// aggregate of one element decides by that element (a map's by its value), so such a value is
/// recorded until it ends and then printed knowing the answer.
package final class TTYFormatter: ReplyFormatter {
    private struct Frame {
        var kind: RESPAggregateKind
        var elements: Int
        var width: Int
        var index = 0
        /// Spaces before each element after the first (the parents' index columns).
        var indent: Int
        /// The indent of this frame's nested aggregates.
        var childIndent: Int
        /// A non-empty aggregate that is a map's value starts on a new line, so its first
        /// element is indented like the others (redis-cli 7.0).
        var prefixFirst = false
    }

    private var frames: [Frame] = []
    private var pendingNewline = false
    /// A map value of one element being recorded, and the depth of aggregates open in it.
    private var recorded: [RESPEvent] = []
    private var recordDepth = 0

    /// A formatter with no reply in progress.
    package init() {}

    package var canFlush: Bool { true }

    package func feed(_ event: RESPEvent, into out: inout [UInt8]) -> Bool {
        if recordDepth > 0 {
            recorded.append(event)
            switch event {
            case .begin: recordDepth += 1
            case .end: recordDepth -= 1
            case .scalar: break
            }
            guard recordDepth == 0 else { return false }
            let events = recorded
            recorded = []
            return replay(events, into: &out)
        }
        if case .begin(_, 1) = event, isAtMapValue {
            recorded = [event]
            recordDepth = 1
            return false
        }
        return apply(event, multiline: nil, into: &out)
    }

    /// True when the next element is a map's value.
    private var isAtMapValue: Bool {
        guard let frame = frames.last else { return false }
        return frame.kind == .map && frame.index % 2 == 1
    }

    /// Prints recorded events, deciding each one-element map value by looking ahead.
    private func replay(_ events: [RESPEvent], into out: inout [UInt8]) -> Bool {
        var done = false
        for i in events.indices {
            let multiline = isAtMapValue ? Self.spansLines(events, at: i) : nil
            done = apply(events[i], multiline: multiline, into: &out)
        }
        return done
    }

    /// redis-cli's `cliIsMultilineValueTTY` for the value starting at `events[i]`.
    private static func spansLines(_ events: [RESPEvent], at i: Int) -> Bool {
        guard case .begin(let kind, let count) = events[i], count > 0 else { return false }
        if count > 1 { return true }
        var next = i + 1
        if kind == .map { next = end(of: events, at: next) }
        return next < events.count && spansLines(events, at: next)
    }

    /// The index just past the value starting at `events[i]`.
    private static func end(of events: [RESPEvent], at i: Int) -> Int {
        var depth = 0
        var j = i
        while j < events.count {
            switch events[j] {
            case .begin: depth += 1
            case .end: depth -= 1
            case .scalar: break
            }
            j += 1
            if depth <= 0 { break }
        }
        return j
    }

    /// Prints one event; `multiline` is known for a map value that begins an aggregate.
    private func apply(_ event: RESPEvent, multiline: Bool?, into out: inout [UInt8]) -> Bool {
        switch event {
        case .begin(let kind, let count):
            let isMapValue = startElement(&out)
            let breaks = isMapValue && (multiline ?? (count > 0))
            if breaks { out.append(10) }
            var width = 0
            var i = count
            repeat {
                width += 1
                i /= 10
            } while i > 0
            let indent = frames.last?.childIndent ?? 0
            frames.append(
                Frame(
                    kind: kind, elements: kind == .map ? count * 2 : count, width: width,
                    indent: indent, childIndent: indent + width + 2,
                    prefixFirst: breaks))
            return false
        case .scalar(let value):
            startElement(&out)
            Self.appendScalar(value, to: &out)
            pendingNewline = true
            return finishElement(&out)
        case .end:
            guard let frame = frames.popLast() else { return false }
            if frame.elements == 0 {
                switch frame.kind {
                case .array: out.append(contentsOf: Self.emptyArray)
                case .set: out.append(contentsOf: Self.emptySet)
                case .map: out.append(contentsOf: Self.emptyHash)
                case .push: out.append(contentsOf: Self.emptyPush)
                }
                pendingNewline = true
            }
            return finishElement(&out)
        }
    }

    private static let emptyArray = Array("(empty array)".utf8)
    private static let emptySet = Array("(empty set)".utf8)
    private static let emptyHash = Array("(empty hash)".utf8)
    private static let emptyPush = Array("(empty push)".utf8)
    private static let arrow = Array(" => ".utf8)

    /// Writes what precedes the next element; returns true when it is a map's value.
    @discardableResult
    private func startElement(_ out: inout [UInt8]) -> Bool {
        guard !frames.isEmpty else {
            flushNewline(&out)
            return false
        }
        let last = frames.count - 1
        let kind = frames[last].kind
        let index = frames[last].index
        frames[last].index = index + 1
        if kind == .map && index % 2 == 1 {
            pendingNewline = false
            out.append(contentsOf: Self.arrow)
            return true
        } else {
            flushNewline(&out)
            if index > 0 || frames[last].prefixFirst {
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: frames[last].indent))
            }
            let human = (kind == .map ? index / 2 : index) + 1
            Escaping.appendPadded(human, width: frames[last].width, to: &out)
            switch kind {
            case .set: out.append(UInt8(ascii: "~"))
            case .map: out.append(UInt8(ascii: "#"))
            case .array, .push: out.append(UInt8(ascii: ")"))
            }
            out.append(UInt8(ascii: " "))
        }
        return false
    }

    private func flushNewline(_ out: inout [UInt8]) {
        if pendingNewline {
            out.append(10)
            pendingNewline = false
        }
    }

    private func finishElement(_ out: inout [UInt8]) -> Bool {
        guard frames.isEmpty else { return false }
        flushNewline(&out)
        return true
    }

    /// One scalar in the human format (no newline).
    package static func appendScalar(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .error(let msg):
            out.append(contentsOf: Array("(error) ".utf8))
            Escaping.appendTerminalSafe(msg, multiline: false, to: &out)
        case .simpleString(let s):
            Escaping.appendTerminalSafe(s, multiline: false, to: &out)
        case .integer(let n):
            out.append(contentsOf: Array("(integer) ".utf8))
            Escaping.appendInteger(n, to: &out)
        case .double(let text):
            out.append(contentsOf: Array("(double) ".utf8))
            out.append(contentsOf: text)
        case .bulkString(let s):
            Escaping.appendRepr(s, to: &out)
        case .verbatim(_, let text):
            Escaping.appendTerminalSafe(text, multiline: true, to: &out)
        case .null:
            out.append(contentsOf: Array("(nil)".utf8))
        case .boolean(let b):
            out.append(contentsOf: Array((b ? "(true)" : "(false)").utf8))
        case .bigNumber(let text):
            out.append(contentsOf: Array("(big number) ".utf8))
            out.append(contentsOf: text)
        case .array, .set, .push, .map:
            TTYFormatter().format(value, into: &out)
            if out.last == 10 { out.removeLast() }
        }
    }
}
