/// The program: parse the command line, pick the mode, return the exit status.
package enum Rcli {
    /// Runs rcli with `arguments` (without the program name).
    package static func main(_ arguments: [String]) -> Int32 {
        let environment = System.environment()
        let output = OutputContext(out: .standardOutput(), err: .standardError(),
                                   stdoutIsTerminal: System.isTerminal(1) || environment["FAKETTY"] != nil)
        let parsed: ParsedCommandLine
        do {
            parsed = try OptionParser.parse(arguments, environment: environment)
        } catch {
            return output.usageFailure(error.message)
        }
        switch parsed.action {
        case .help:
            output.out.write(HelpText.usage())
            output.out.flush()
            return 0
        case .version:
            output.out.write("rcli \(HelpText.version)\n")
            output.out.flush()
            return 0
        case .generate("commands"):
            return CommandTable.generate(parsed.config, output: output)
        case .generate(let what):
            output.out.write(Generators.generate(what))
            output.out.flush()
            return 0
        case .run:
            break
        }
        let config = parsed.config
        if config.passwordOnCommandLine && !config.noAuthWarning {
            output.err.write("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n")
            output.err.flush()
        }
        if config.tls && config.tlsOptions.insecure {
            output.err.write("Warning: --insecure: the server's certificate and host name are not checked.\n")
            output.err.flush()
        }
        var password = config.password
        if config.askPassword {
            guard let typed = System.readMaskedLine(prompt: "Please input password: ") else {
                return output.usageFailure("--askpass needs a terminal to read the password from")
            }
            password = typed
        }
        let session = Session(config: config, password: password)
        if case .intrinsicLatency(let seconds) = config.toolMode {
            return IntrinsicLatencyMode.run(seconds: seconds, output: output)
        }
        let interactive = parsed.command.isEmpty && config.evalFile == nil && !config.scan && !config.pipe
            && config.toolMode == nil && System.isTerminal(0)
        var pool: ClusterPool?
        if config.cluster {
            switch ClusterMode.open(session: session, output: output) {
            case .success(let p): pool = p
            case .failure(let failure): return failure.status
            }
        }
        if let mode = config.toolMode {
            return ToolModes.run(mode, config: config, session: session, cluster: pool, output: output)
        }
        if config.pipe {
            if let pool {
                return ClusterPipeMode.run(config, pool: pool, output: output)
            }
            return PipeMode.run(config, session: session, output: output)
        }
        if config.scan {
            return ScanMode.run(config, session: session, cluster: pool, output: output)
        }
        if !parsed.command.isEmpty || config.evalFile != nil {
            return OneShotMode.run(parsed, session: session, cluster: pool, output: output)
        }
        if interactive {
            return ReplMode.run(parsed, session: session, cluster: pool, output: output, environment: environment)
        }
        return StdinMode.run(parsed, session: session, cluster: pool, output: output)
    }
}
