/// A profile's `prompt-color`: the colour of the shell's prompt (a red prompt for production).
package enum PromptColor: String, Sendable, CaseIterable {
    case red, green, yellow, blue, magenta, cyan, white
    case boldRed = "bold-red"
    case boldGreen = "bold-green"
    case boldYellow = "bold-yellow"
    case boldBlue = "bold-blue"
    case boldMagenta = "bold-magenta"
    case boldCyan = "bold-cyan"
    case boldWhite = "bold-white"

    /// The SGR sequence that turns the colour on.
    package var escape: String {
        let base: Int
        switch self {
        case .red, .boldRed: base = 31
        case .green, .boldGreen: base = 32
        case .yellow, .boldYellow: base = 33
        case .blue, .boldBlue: base = 34
        case .magenta, .boldMagenta: base = 35
        case .cyan, .boldCyan: base = 36
        case .white, .boldWhite: base = 37
        }
        return rawValue.hasPrefix("bold-") ? "\u{1b}[1;\(base)m" : "\u{1b}[\(base)m"
    }

    /// `text` in this colour, the escapes wrapped in `\u{1}` so libedit does not count them
    /// in the prompt's width.
    package func paint(_ text: String) -> String {
        "\u{1}" + escape + "\u{1}" + text + "\u{1}\u{1b}[0m\u{1}"
    }

    /// The names a config file may use, for its error message.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
