/// `--pipe`'s input: stdin read in chunks of up to 256 KB, checked (`PipeInput`), each chunk's
/// complete requests handed out as one raw item. Malformed input is reported at once (with its
/// byte offset) and ends the input; what came before it is still sent.
final class PipeSource: CommandSource {
    private let fd: Int32
    private var input = PipeInput()
    private var chunk: [UInt8] = []
    private var ready: (bytes: [UInt8], ends: [Int])?
    private var atEnd = false
    private let onFailure: (RcliError) -> Void
    /// The input was malformed (the run's status is then 1).
    private(set) var failed = false

    /// Requests from `fd`; `onFailure` reports malformed input when it is found.
    init(fd: Int32, onFailure: @escaping (RcliError) -> Void) {
        self.fd = fd
        self.onFailure = onFailure
    }

    var inputDescriptor: Int32? { atEnd || ready != nil ? nil : fd }

    var isExhausted: Bool { atEnd && ready == nil }

    func next() -> ScriptItem? {
        guard let chunk = ready else { return nil }
        ready = nil
        return .raw(chunk.bytes, ends: chunk.ends)
    }

    func readAvailable() throws(RcliError) {
        chunk.removeAll(keepingCapacity: true)
        switch System.read(fd, appendingTo: &chunk, max: 256 * 1024) {
        case .success(0):
            atEnd = true
            do throws(RcliError) { try input.finish() } catch { fail(error) }
        case .success:
            input.feed(chunk)
            let complete = input.takeComplete()
            if !complete.bytes.isEmpty { ready = (Array(complete.bytes), complete.ends) }
            if let failure = complete.failure {
                // Nothing from the bad command on is sent; the replies to what was are collected.
                atEnd = true
                fail(failure)
            }
        case .failure(let e):
            throw .input("Error reading from stdin: \(e.description)")
        }
    }

    private func fail(_ failure: RcliError) {
        failed = true
        onFailure(failure)
    }
}
