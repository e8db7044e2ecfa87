import RedisNet

/// Work the line editor does while it waits for a key (the shell's idle key scan), in small
/// non-blocking steps inside the editor's one wait: a key press always comes first, and what a
/// step waits for (a reply, a connect) is read when it is ready, never waited on with the editor
/// blocked.
package protocol IdleWork: AnyObject {
    /// Starts what is due now; what to watch besides the terminal, and when to be called back
    /// even if nothing is ready (nil: only when a watched descriptor is).
    func prepare(now: Double) -> (waits: [(fd: Int32, interest: Interest)], wake: Double?)
    /// Goes on with what has come, without blocking; true when there is something to print
    /// above the line (`show`, between the editor's erase and redraw).
    func advance(now: Double) -> Bool
    /// Prints what `advance` kept for printing (messages pushed on a connection it read).
    func show()
    /// A key was read from the terminal.
    func keyPressed()
}
