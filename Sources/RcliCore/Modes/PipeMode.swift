/// `--pipe`: stdin is raw protocol for the server(s), written as fast as they take it; replies
/// are counted (errors printed on stderr) as they come. Output and exit status follow redis-cli:
/// `errors: N, replies: M`, status 1 when any reply was an error. Unlike redis-cli, stdin is
/// checked (`PipeInput`), and with `-c` each request goes to its slot's master.
package enum PipeMode {
    /// Runs the transfer.
    package static func run(_ config: CLIConfiguration, transport: Transport, output: OutputContext) -> Int32 {
        if let error = transport.open() { return output.fail(error) }
        var settings = Pipeline.Settings(window: .unsentBytes(256 * 1024))
        settings.ordered = false
        settings.errorsFail = true
        settings.replyTimeoutAfterInput = config.pipeTimeout > 0 ? config.pipeTimeout : nil
        let engine = Engine(
            transport: transport, sink: CountingSink(out: output.out, err: output.err), settings: settings)
        let source = PipeSource(fd: 0) { error in
            output.err.write(error.text + "\n")
            output.err.flush()
        }
        let status = engine.run(source)
        return source.failed ? max(status, 1) : status
    }
}
