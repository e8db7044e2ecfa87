/// `rcli < script`: each line of stdin is a command, pipelined (up to 1000 in flight), replies
/// printed in input order.
package enum StdinMode {
    /// Runs stdin's lines. With `-e` (and with `-i`) commands go one at a time, so nothing after
    /// a failing command is ever sent.
    package static func run(_ config: CLIConfiguration, transport: Transport, output: OutputContext) -> Int32 {
        var style = output.printingStyle(config)
        style.showElapsed = true
        guard let (engine, _) = output.engine(transport, style: style, settings: output.runSettings(config)) else {
            return 1
        }
        return engine.run(LineSource(fd: 0))
    }
}
