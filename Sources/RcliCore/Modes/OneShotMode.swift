import RedisNet

/// `rcli [options] command args...`: run one command (`-r` times), print, exit.
package enum OneShotMode {
    /// Builds the argument vector (`--quoted-input`, `-x`, `-X`) and runs it.
    package static func run(_ words: [String], config: CLIConfiguration, transport: Transport, output: OutputContext)
        -> Int32
    {
        var args: [[UInt8]] = []
        for word in words {
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
            case .failure(let e): return output.fail(.input("Reading from standard input: \(e)"))
            }
            if config.lastArgumentFromStdin {
                args.append(data)
            } else if let tag = config.stdinTag {
                guard let i = args.firstIndex(of: Array(tag.utf8)) else {
                    return output.fail(.usage("Using -X option but stdin tag not match."))
                }
                args[i] = data
            }
        }
        if let file = config.evalFile {
            switch System.readFile(file) {
            case .success(let script): args = evalArguments(script: script, words: args)
            case .failure(let e): return output.fail(.input("Can't open file '\(file)': \(e.description)"))
            }
        }
        if config.repeatCount == 0 { return 0 }
        guard
            let (engine, _) = output.engine(
                transport, style: output.printingStyle(config),
                settings: output.runSettings(config))
        else { return 1 }
        return engine.run(RepeatSource(args: args, count: config.repeatCount))
    }
}

/// `--eval file k1 k2 , a1 a2` as redis-cli builds it: `EVAL <script> 2 k1 k2 a1 a2`. Only a
/// word that is exactly `,` separates keys from arguments (the first one).
func evalArguments(script: [UInt8], words: [[UInt8]]) -> [[UInt8]] {
    var keys: [[UInt8]] = []
    var rest: [[UInt8]] = []
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
