import Cluster
import FuzzSupport
import RESP

/// MOVED / ASK / TRYAGAIN errors on arbitrary bytes, as the parser delivers them. Properties: a
/// redirect names a slot in 0..<16384 and a port in 1...65535; written back as the server would
/// write it, it parses to the same redirect; the text kept for a message has no control bytes.
func fuzzRedirect(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = bytes(data, size)
    // As a blob error (any bytes) through the parser, then parsed as a redirect.
    var parser = RESPParser()
    parser.append(Array("!\(text.count)\r\n".utf8) + text + [13, 10])
    guard case .error(let message)? = try? parser.nextValue() else {
        require(false, "a blob error did not parse")
        return 0
    }
    require(message == text, "the blob error's bytes changed")
    let host = "10.0.0.7"
    let redirect = Redirect.parse(message, replyingHost: host)
    switch redirect {
    case .moved(let slot, let node)?, .ask(let slot, let node)?:
        require((0..<HashSlot.count).contains(slot), "slot \(slot)")
        require((1...65535).contains(node.port), "port \(node.port)")
        require(node.host.utf8.allSatisfy { (0x21...0x7e).contains($0) }, "host \(node.host)")
        let code = redirect == .moved(slot: slot, node: node) ? "MOVED" : "ASK"
        let bracket = node.host.contains(":") || node.host.hasPrefix("[")
        let address = (bracket ? "[\(node.host)]" : node.host) + ":\(node.port)"
        let written = Array("\(code) \(slot) \(address)".utf8)
        // Only the first 512 bytes of an error are read; brackets may make it longer.
        guard written.count <= 512 else { return 0 }
        let again = Redirect.parse(written, replyingHost: host)
        require(again == redirect, "\(redirect as Any) written back parses as \(again as Any)")
    case .retry(let reason)?, .malformed(let reason)?:
        require(!reason.utf8.contains { $0 < 0x20 || $0 == 0x7f }, "control bytes in \(reason)")
    case nil:
        break
    }
    return 0
}
