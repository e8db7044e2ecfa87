import RedisNet
/// `:set` preferences (the shell's, accepted in scripts too).
package enum Preferences {
    /// Checks a `:...` line; returns the text to print ("" when accepted). Accepted:
    /// `:set hints|nohints`, `:set annotations on|off`, `:set autocluster on|off` and `:pager
    /// on|off` (the shell acts on them; scripts never page).
    package static func apply(_ args: [[UInt8]], interactive: Bool) -> String {
        let origin = interactive ? "" : ".rclirc: "
        let word = String(decoding: args[0], as: UTF8.self)
        if word.lowercased() == ":pager" {
            let value = args.count == 2 ? String(decoding: args[1], as: UTF8.self).lowercased() : ""
            return value == "on" || value == "off" ? "" : "\(origin):pager takes on or off\n"
        }
        guard word.lowercased() == ":set", args.count >= 2 else {
            return "\(origin)unknown \(Voice.current.program) internal command '\(word)'\n"
        }
        let pref = String(decoding: args[1], as: UTF8.self)
        switch pref.lowercased() {
        case "hints", "nohints": return ""
        case "annotations", "autocluster":
            let value = args.count == 3 ? String(decoding: args[2], as: UTF8.self).lowercased() : ""
            if args.count == 3 && (value == "on" || value == "off") { return "" }
            return "\(origin):set \(pref.lowercased()) takes on or off\n"
        default: return "\(origin)unknown \(Voice.current.program) preference '\(pref)'\n"
        }
    }
}
