import CLibEdit
import RedisNet

/// A pseudo-terminal pair that nobody types on: under redis-cli's `FAKETTY_WITH_PROMPT` test hook
/// the line editor needs a terminal to set modes on and to ask for its size, while the keys come
/// from stdin (a pipe) and the drawing goes to stdout. The slave is that terminal: 80 columns (as
/// linenoise assumes under the hook), its modes changed harmlessly. The master is held open so
/// the slave stays usable; nothing is written to either.
final class PseudoTerminal {
    /// The columns the terminal reports (and the editor and the search draw for).
    static let columns = 80

    private let master: Int32
    /// The slave, as a C stream for the line editor.
    let slave: UnsafeMutablePointer<FILE>

    /// A new pair; nil when the system has no pseudo-terminals to give.
    init?() {
        // The POSIX calls come through the editor's C shim (glibc hides them from Swift).
        let master = rcli_posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        guard rcli_grantpt(master) == 0, rcli_unlockpt(master) == 0, let name = rcli_ptsname(master) else {
            close(master)
            return nil
        }
        let fd = Platform.open(String(cString: name), O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            close(master)
            return nil
        }
        var size = winsize()
        size.ws_col = UInt16(Self.columns)
        size.ws_row = 24
        _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
        guard let stream = fdopen(fd, "r+") else {
            close(fd)
            close(master)
            return nil
        }
        // Neither end goes to a program rcli starts (a pager, a password command).
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.master = master
        slave = stream
    }

    deinit {
        fclose(slave)
        close(master)
    }
}
