import CFuzzer
import Glibc

/// Runs libFuzzer with the process's arguments on `test` (one input per call; a property that
/// does not hold stops the run) and exits with its status.
package func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
