import RedisNet

/// `rcli < script`: each line of stdin is a command, pipelined (up to 1000 in flight), replies
/// printed in input order. After a SUBSCRIBE the script goes on, as in redis-cli 7.2: later
/// lines are sent on the subscribed connection and messages print between the replies as they
/// arrive; the end of input while subscribed waits for messages until Ctrl-C.
package enum StdinMode {
    /// Runs stdin's lines. With `-e` (and with `-i`) commands go one at a time, so nothing after
    /// a failing command is ever sent.
    package static func run(
        _ config: CLIConfiguration, transport: Transport, output: OutputContext, environment: [String: String]
    ) -> Int32 {
        var style = output.printingStyle(config)
        style.showElapsed = true
        var settings = output.runSettings(config)
        settings.subscriptions = .keepInputAndWait
        // Ctrl-C keeps its default action but while subscribed, where it leaves subscribed mode
        // (redis-cli's handler); one ignored from the start stays ignored.
        let interrupt = InterruptSignal.isIgnored ? nil : InterruptSignal.descriptor()
        guard
            let (engine, _) = output.engine(
                transport, style: style, settings: settings, interruptDescriptor: interrupt)
        else {
            return 1
        }
        engine.messageBanner = MessageBanner(output, format: style.format, environment: environment)
        return engine.run(LineSource(fd: 0))
    }
}
