/// The shell's pager: a reply taller than the screen goes through `$RCLI_PAGER`, else `$PAGER`,
/// else `less -FRX`, when paging is on (`--pager`, `:pager on`); only in the shell on a
/// terminal. A pager that cannot run gives one warning and plain output from then on.
final class Pager {
    let command: String
    private var broken = false

    init(environment: [String: String]) {
        let chosen = [environment["RCLI_PAGER"], environment["PAGER"]].compactMap { $0 }.first { !$0.isEmpty }
        command = chosen ?? "less -FRX"
    }

    /// Screen rows `bytes` take on a terminal `columns` wide.
    static func rows(_ bytes: [UInt8], columns: Int) -> Int {
        var rows = 0
        var width = 0
        for byte in bytes {
            if byte == 10 {
                rows += 1
                width = 0
            } else if byte & 0xC0 != 0x80 {
                // One column per character (UTF-8 continuation bytes add none).
                width += 1
                if width > columns {
                    rows += 1
                    width = 1
                }
            }
        }
        return rows + (width > 0 ? 1 : 0)
    }

    /// Shows `bytes` through the pager when they are taller than the screen; false when they
    /// were not shown (the caller prints them).
    func page(_ bytes: [UInt8], warn: (String) -> Void) -> Bool {
        guard !broken, let size = System.terminalSize(1), Self.rows(bytes, columns: size.columns) >= size.rows else {
            return false
        }
        let status = System.feedShell(command, bytes)
        if status == nil || status == 126 || status == 127 {
            broken = true
            warn("rcli: the pager '\(command)' could not be run; printing replies without it\n")
            return false
        }
        return true
    }
}
