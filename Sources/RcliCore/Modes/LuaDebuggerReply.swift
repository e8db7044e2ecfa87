import RESP

/// How redis-cli shows what the server's Lua debugger says (`cliFormatReplyRaw` while a session
/// runs): each status line raw on its own line, coloured on an xterm; a line starting with
/// `<endsession>` is not shown and means the session is over.
enum LuaDebuggerReply {
    /// The text for `reply` (ending with a newline) and whether it ended the session.
    static func format(_ reply: RESPValue, colour: Bool) -> (text: [UInt8], ended: Bool) {
        var out: [UInt8] = []
        var ended = false
        append(reply, colour: colour, ended: &ended, to: &out)
        out.append(10)
        return (out, ended)
    }

    private static func append(_ value: RESPValue, colour: Bool, ended: inout Bool, to out: inout [UInt8]) {
        switch value {
        case .simpleString(let line):
            if line.starts(with: endSession) {
                ended = true
            } else {
                out += colour ? paint(line) : line
            }
        case .array(let items), .set(let items), .push(let items), .map(let items):
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(10) }
                append(item, colour: colour, ended: &ended, to: &out)
            }
        default:
            RawFormatter.appendScalar(value, to: &out)
        }
    }

    private static let endSession = Array("<endsession>".utf8)

    /// `line` in redis-cli's colour for it: ESC[<bold>;<colour>;49m ... ESC[0m.
    static func paint(_ line: [UInt8]) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        var bold = false
        var code = 37
        // As redis-cli: the tags are looked for anywhere in the line, the later rules win.
        for (tag, isBold, tagCode) in [
            ("<debug>", true, 37), ("<redis>", false, 32), ("<reply>", false, 36), ("<error>", false, 31),
            ("<hint>", true, 37), ("<value>", false, 35), ("<retval>", false, 35),
        ] where text.contains(tag) {
            bold = isBold
            code = tagCode
        }
        // "->  12  code" is the current line, "  #12  code" a breakpoint.
        if line.count > 4, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[3]) {
            if line[1] == UInt8(ascii: ">") {
                bold = false
                code = 33
            } else if line[2] == UInt8(ascii: "#") {
                bold = true
                code = 37
            }
        }
        return Array("\u{1b}[\(bold ? 1 : 0);\(code);49m".utf8) + line + Array("\u{1b}[0m".utf8)
    }

    /// One input line as the debugger's command: `eval <code>` and `e <code>` pass the rest of
    /// the line as one argument; anything else is split with redis-cli's quoting (nil when
    /// the quotes do not match).
    static func arguments(_ line: String) -> [[UInt8]]? {
        for word in ["eval ", "e "] where line.hasPrefix(word) {
            return [Array(word.dropLast().utf8), Array(line.dropFirst(word.count).utf8)]
        }
        return CommandLineSplitter.split(Array(line.utf8))
    }
}
