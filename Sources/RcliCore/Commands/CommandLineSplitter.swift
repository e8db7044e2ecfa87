/// Splits a command line into arguments with redis-cli's rules (`sdssplitargs`): whitespace
/// separates; `"..."` understands `\xHH`, `\n \r \t \b \a` and `\<any>`; `'...'` understands
/// only `\'`; a closing quote must be followed by whitespace or the end. Returns nil for
/// unbalanced quotes (redis-cli then prints `Invalid argument(s)`).
package enum CommandLineSplitter {
    /// The arguments of `line`, or nil when its quoting is invalid.
    package static func split<C: Collection>(_ line: C) -> [[UInt8]]? where C.Element == UInt8 {
        var bytes = Array(line)
        if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
        var args: [[UInt8]] = []
        var p = 0
        let n = bytes.count
        while true {
            while p < n, isSpace(bytes[p]) { p += 1 }
            if p >= n { return args }
            var current: [UInt8] = []
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                if inDouble {
                    guard p < n else { return nil }
                    let c = bytes[p]
                    if c == UInt8(ascii: "\\"), p + 3 < n, bytes[p + 1] == UInt8(ascii: "x"),
                        let h = hexValue(bytes[p + 2]), let l = hexValue(bytes[p + 3])
                    {
                        current.append(h << 4 | l)
                        p += 3
                    } else if c == UInt8(ascii: "\\"), p + 1 < n {
                        p += 1
                        switch bytes[p] {
                        case UInt8(ascii: "n"): current.append(10)
                        case UInt8(ascii: "r"): current.append(13)
                        case UInt8(ascii: "t"): current.append(9)
                        case UInt8(ascii: "b"): current.append(8)
                        case UInt8(ascii: "a"): current.append(7)
                        default: current.append(bytes[p])
                        }
                    } else if c == UInt8(ascii: "\"") {
                        if p + 1 < n, !isSpace(bytes[p + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if inSingle {
                    guard p < n else { return nil }
                    let c = bytes[p]
                    if c == UInt8(ascii: "\\"), p + 1 < n, bytes[p + 1] == UInt8(ascii: "'") {
                        p += 1
                        current.append(UInt8(ascii: "'"))
                    } else if c == UInt8(ascii: "'") {
                        if p + 1 < n, !isSpace(bytes[p + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    guard p < n else { break }
                    switch bytes[p] {
                    case UInt8(ascii: " "), 10, 13, 9: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: current.append(bytes[p])
                    }
                }
                if p < n { p += 1 }
            }
            args.append(current)
        }
    }

    /// C's isspace in the C locale.
    static func isSpace(_ b: UInt8) -> Bool {
        b == 32 || (9...13).contains(b)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
