/// The program: parse the command line, resolve the run mode once, run it, return the exit status.
package enum Rcli {
    /// Runs rcli with `arguments` (without the program name); `commit` is the git commit the
    /// binary was built from, for `--version`.
    package static func main(_ arguments: [String], commit: String = "unknown") -> Int32 {
        let environment = System.environment()
        let output = OutputContext(
            out: .standardOutput(), err: .standardError(),
            stdoutIsTerminal: System.isTerminal(1) || environment["FAKETTY"] != nil)
        let parsed: ParsedCommandLine
        let mode: RunMode
        do throws(RcliError) {
            parsed = try OptionParser.parse(arguments, environment: environment)
        } catch {
            return output.fail(error)
        }
        // redis-cli's test hook FAKETTY_WITH_PROMPT runs the shell on a piped stdin.
        let shellInput = System.isTerminal(0) || ReplMode.keysFromPipe(environment)
        switch RunMode.resolve(parsed, stdinIsTerminal: shellInput) {
        case .success(let m): mode = m
        case .failure(let error): return output.fail(error)
        }
        let config = parsed.config
        switch mode {
        case .help:
            output.out.write(HelpText.usage())
            output.out.flush()
            return 0
        case .version:
            output.out.write(VersionText.make(commit: commit))
            output.out.flush()
            return 0
        case .generate("commands"):
            return CommandTable.generate(config, ports: parsed.command, output: output)
        case .generate(let what):
            output.out.write(Generators.generate(what))
            output.out.flush()
            return 0
        case .intrinsicLatency(let seconds):
            return IntrinsicLatencyMode.run(seconds: seconds, output: output)
        case .listProfiles:
            do throws(RcliError) {
                let file = try ConfigFile.load(environment)
                output.out.write(file.profiles.map { $0.name + "\n" }.joined())
                output.out.flush()
                return 0
            } catch {
                return output.fail(error)
            }
        default:
            break
        }
        if config.passwordOnCommandLine && !config.noAuthWarning {
            output.err.write(
                "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n")
            output.err.flush()
        }
        if config.tls && config.tlsOptions.insecure {
            output.err.write("Warning: --insecure: the server's certificate and host name are not checked.\n")
            output.err.flush()
        }
        var password = config.password
        if config.askPassword {
            guard let typed = System.readMaskedLine(prompt: "Please input password: ") else {
                return output.fail(.usage("--askpass needs a terminal to read the password from"))
            }
            password = typed
        } else if let command = config.passwordCommand {
            switch PasswordCommand.run(command, profile: config.profileName ?? "") {
            case .success(let p): password = p
            case .failure(let error): return output.fail(error)
            }
        }
        let session = Session(settings: config.connection, password: password)
        if mode == .hintTest {
            return HintTestMode.run(config, hinter: HelpCommand.hinter(HelpCommand.docs(session)), output: output)
        }
        if mode == .clusterManager, let request = config.clusterManager {
            var context = ManagerContext(
                request: request, template: session, log: ManagerLog(output: output), environment: environment)
            context.verbose = config.verbose
            if config.outputFormat == .json || config.outputFormat == .quotedJSON { context.json = config.outputFormat }
            return ClusterManagerCommands.run(context)
        }
        let transport: ShellTransport
        switch Transports.open(config, session: session, output: output) {
        case .success(let t): transport = t
        case .failure(let error): return output.fail(error)
        }
        switch mode {
        case .tool(let tool):
            return ToolModes.run(tool, config: config, transport: transport, output: output)
        case .pipe:
            return PipeMode.run(config, transport: transport, output: output)
        case .scan:
            return ScanMode.run(config, transport: transport, output: output)
        case .luaDebugger(let words):
            return LuaDebuggerMode.run(
                words, config: config, transport: transport, output: output, environment: environment)
        case .command(let words):
            return OneShotMode.run(words, config: config, transport: transport, output: output)
        case .shell:
            return ReplMode.run(config, transport: transport, output: output, environment: environment)
        default:
            return StdinMode.run(config, transport: transport, output: output, environment: environment)
        }
    }
}
