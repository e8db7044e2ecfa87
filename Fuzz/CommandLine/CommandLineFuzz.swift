import FuzzSupport
import RESP
import RcliCore

/// The command-line splitter (REPL lines, stdin scripts, `--quoted-input`) on arbitrary bytes.
/// Properties: it never fails other than by returning nil; what it splits, quoted back with
/// redis-cli's repr (`"..."` with escapes) and split again, gives the same arguments, all
/// together and one by one (as `--quoted-input` reads each word).
func fuzzCommandLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let line = bytes(data, size)
    guard let args = CommandLineSplitter.split(line) else { return 0 }
    require(args.count <= line.count, "\(args.count) arguments from \(line.count) bytes")
    var quoted: [UInt8] = []
    for (i, arg) in args.enumerated() {
        if i > 0 { quoted.append(UInt8(ascii: " ")) }
        var one: [UInt8] = []
        Escaping.appendRepr(arg, to: &one)
        require(CommandLineSplitter.split(one) == [arg], "the repr of \(arg) does not split back to it")
        quoted += one
    }
    require(CommandLineSplitter.split(quoted) == args, "quoted back, \(args) splits differently")
    return 0
}
