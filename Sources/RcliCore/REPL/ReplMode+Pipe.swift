import RedisNet

/// `command | shell command` in the shell (see `ShellPipeLine`): the line before the `|` runs as
/// any line does, its output formatted as for a pipe (raw unless the session's format says
/// otherwise) and kept whole, then handed to `/bin/sh -c` as the terminal's foreground job.
extension ReplMode {
    /// What a piped line's command leaves besides its output.
    struct PipeCapture {
        /// Nothing is to be piped: the command was not run (declined, refused, not connected)
        /// or Ctrl-C cut it short.
        var abandoned = false
        /// The shell's own lines (a note, `(not run)`), printed after the shell command so they
        /// stay out of its input.
        var notes = ""
    }

    /// Runs a line typed at the prompt; returns an exit status when the shell should end.
    func run(line text: String) -> Int32? {
        let reading = ShellPipeLine(Array(text.utf8))
        switch reading {
        case .plain:
            return execute(text)
        case .piped(let command, let shell):
            return pipe(command, to: shell)
        case .missingCommand, .missingShellCommand:
            output.err.write(reading.problem ?? "")
            output.err.flush()
            return nil
        }
    }

    /// A line of the shell's own: printed now, or, while a piped line's command runs, after the
    /// shell command.
    func say(_ text: String) {
        guard capture == nil else {
            capture?.notes += text
            return
        }
        output.out.write(text)
        output.out.flush()
    }

    /// A command that streams until Ctrl-C (MONITOR, SUBSCRIBE ...) is not run for a pipe: its
    /// output would never end.
    func refusePipe(_ batch: [(item: ScriptItem, count: Int64)]) {
        capture?.abandoned = true
        let name = batch.lazy.compactMap { entry -> String? in
            guard case .command(let args) = entry.item, CommandTraits(args).streaming else { return nil }
            return String(decoding: args[0], as: UTF8.self).uppercased()
        }.first
        output.err.write(
            "rcli: \(name ?? "this command") streams until Ctrl-C, so it is not run for '|' in the shell "
                + "(pipe it from your own shell: rcli \(name ?? "...") | ...)\n")
        output.err.flush()
    }

    private func pipe(_ command: [UInt8], to shell: String) -> Int32? {
        output.out.flush()
        output.out.holding = true
        capture = PipeCapture()
        let status = execute(String(decoding: command, as: UTF8.self))
        output.out.holding = false
        let input = output.out.buffer
        output.out.buffer.removeAll(keepingCapacity: true)
        let taken = capture ?? PipeCapture()
        capture = nil
        if !taken.abandoned && status == nil {
            switch System.runForeground(shell, input: input, interrupt: InterruptSignal.descriptor()) {
            case .success(.signalled(let signal)) where signal == System.interruptSignal:
                // The terminal echoed ^C; the prompt comes on a line of its own.
                output.out.write("\n")
            case .success(.stopped):
                output.err.write(
                    "\nrcli: the shell command was stopped (Ctrl-Z); rcli has no job control, so it ended\n")
            case .success:
                break
            case .failure(let error):
                output.err.write("rcli: cannot run the shell command: \(error.call): \(error.description)\n")
            }
            // A Ctrl-C meant for the shell command is not for the next line.
            _ = InterruptSignal.takePending()
        }
        output.out.write(taken.notes)
        output.out.flush()
        output.err.flush()
        return status
    }
}
