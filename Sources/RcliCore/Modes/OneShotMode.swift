import RedisNet

/// `rcli [options] command args...`: run one command (`-r` times), print, exit.
package enum OneShotMode {
    /// Builds the argument vector (`--quoted-input`, `-x`, `-X`) and runs it.
    package static func run(_ parsed: ParsedCommandLine, session: Session, cluster: ClusterPool?, output: OutputContext) -> Int32 {
        let config = parsed.config
        var args: [[UInt8]] = []
        for word in parsed.command {
            if config.quotedInput {
                guard let split = CommandLineSplitter.split(Array(word.utf8)), split.count == 1 else {
                    // redis-cli prints this one on stdout.
                    output.out.write("Invalid quoted string\n")
                    output.out.flush()
                    return 1
                }
                args.append(split[0])
            } else {
                args.append(Array(word.utf8))
            }
        }
        if config.lastArgumentFromStdin || config.stdinTag != nil {
            let data: [UInt8]
            switch System.readAll(0) {
            case .success(let d): data = d
            case .failure(let e): return output.usageFailure("Reading from standard input: \(e)")
            }
            if config.lastArgumentFromStdin {
                args.append(data)
            } else if let tag = config.stdinTag {
                guard let i = args.firstIndex(of: Array(tag.utf8)) else {
                    return output.usageFailure("Using -X option but stdin tag not match.")
                }
                args[i] = data
            }
        }
        if let file = config.evalFile {
            switch System.readFile(file) {
            case .success(let script): args = evalArguments(script: script, words: args)
            case .failure(let e): return output.usageFailure("Can't open file '\(file)': \(e.description)")
            }
        }
        if config.repeatCount == 0 { return 0 }
        var options = output.runnerOptions(config)
        options.window = config.interval > 0 || config.exitOnError ? 1 : 1000
        if let cluster {
            let runner = ClusterRunner(pool: cluster, options: options, display: ClusterMode.display(config, output: output, interactive: false),
                                       out: output.out, err: output.err)
            return runner.run(RepeatSource(args: args, count: config.repeatCount))
        }
        guard output.connect(session) != nil else { return 1 }
        let runner = ScriptRunner(session: session, options: options, out: output.out, err: output.err)
        return runner.run(RepeatSource(args: args, count: config.repeatCount))
    }
}

/// `--eval file k1 k2 , a1 a2` as redis-cli builds it: `EVAL <script> 2 k1 k2 a1 a2`. Only a
/// word that is exactly `,` separates keys from arguments (the first one).
func evalArguments(script: [UInt8], words: [[UInt8]]) -> [[UInt8]] {
    var keys: [[UInt8]] = [], rest: [[UInt8]] = []
    var gotComma = false
    for word in words {
        if !gotComma && word == [UInt8(ascii: ",")] {
            gotComma = true
        } else if gotComma {
            rest.append(word)
        } else {
            keys.append(word)
        }
    }
    return [Array("EVAL".utf8), script, Array(String(keys.count).utf8)] + keys + rest
}

/// `rcli < script`: each line of stdin is a command, pipelined.
package enum StdinMode {
    /// Runs stdin's lines. With `-e` (and with `-i`) commands go one at a time, so nothing after
    /// a failing command is ever sent.
    package static func run(_ parsed: ParsedCommandLine, session: Session, cluster: ClusterPool?, output: OutputContext) -> Int32 {
        let config = parsed.config
        var options = output.runnerOptions(config)
        options.showElapsed = true
        options.window = config.exitOnError || config.interval > 0 ? 1 : 1000
        if let cluster {
            let runner = ClusterRunner(pool: cluster, options: options, display: ClusterMode.display(config, output: output, interactive: false),
                                       out: output.out, err: output.err)
            return runner.run(LineSource(fd: 0))
        }
        guard output.connect(session) != nil else { return 1 }
        let runner = ScriptRunner(session: session, options: options, out: output.out, err: output.err)
        return runner.run(LineSource(fd: 0))
    }
}

/// Where output goes and how it is formatted by default.
package struct OutputContext {
    /// stdout.
    package let out: OutputSink
    /// stderr.
    package let err: OutputSink
    /// True when stdout is a terminal (or FAKETTY is set, as redis-cli's tests do).
    package let stdoutIsTerminal: Bool

    /// The run options a configuration implies.
    package func runnerOptions(_ config: CLIConfiguration) -> ScriptRunner.Options {
        var options = ScriptRunner.Options(format: config.outputFormat ?? (stdoutIsTerminal ? .tty : .raw),
                                           showPushes: config.showPushes ?? stdoutIsTerminal,
                                           exitOnError: config.exitOnError, interval: config.interval,
                                           elementDelimiter: config.elementDelimiter, replyDelimiter: config.replyDelimiter)
        options.replyTimeout = config.replyTimeout
        return options
    }

    /// The session's connection; when there is none, why is printed on stderr and the result is nil
    /// (the mode then exits with status 1).
    @discardableResult
    package func connect(_ session: Session) -> Connection? {
        do {
            return try session.connect()
        } catch {
            _ = usageFailure(error.message)
            return nil
        }
    }

    /// Prints `message` on stderr and returns status 1.
    package func usageFailure(_ message: String) -> Int32 {
        out.flush()
        err.write(message + "\n")
        err.flush()
        return 1
    }
}
