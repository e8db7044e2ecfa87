import RESP

/// CLUSTER NODES lines (`<id> <ip:port@cport[,hostname[,aux=v...]]> <flags> <master> <ping-sent>
/// <pong-recv> <config-epoch> <link-state> <slot>...`) as JSON-shaped node objects.
enum ClusterNodesText {
    /// One object per line, or nil when a line is not a node line.
    static func structure(_ text: [UInt8]) -> RESPValue? {
        var nodes: [RESPValue] = []
        for line in TextFields.lines(text) {
            guard let node = node(line) else { return nil }
            nodes.append(node)
        }
        return .array(nodes)
    }

    /// One node line as an object: id, address (`ip:port`), ip, port, cport, hostname (null when
    /// none), flags (an array; `noflags` is empty), master (null for `-`), ping_sent, pong_recv,
    /// config_epoch, link_state, slots (`[first, last]` ranges), migrating and importing (slot →
    /// node id), then aux (`shard-id`, `tls-port`, ...) when the server sends such fields.
    static func node(_ line: ArraySlice<UInt8>) -> RESPValue? {
        let words = line.split(separator: UInt8(ascii: " "))
        guard words.count >= 8, let endpoint = Endpoint(words[1]), let pingSent = int(words[4]),
            let pongRecv = int(words[5]), let epoch = int(words[6])
        else { return nil }
        var slots: [RESPValue] = []
        var migrating = JSONObjectBuilder()
        var importing = JSONObjectBuilder()
        for word in words.dropFirst(8) {
            if word.first == UInt8(ascii: "[") {
                guard word.last == UInt8(ascii: "]") else { return nil }
                let inner = word.dropFirst().dropLast()
                if let (slot, peer) = split(inner, at: "->-") {
                    migrating.add(slot, .bulkString(Array(peer)))
                } else if let (slot, peer) = split(inner, at: "-<-") {
                    importing.add(slot, .bulkString(Array(peer)))
                } else {
                    return nil
                }
            } else if let (first, last) = split(word, at: "-") {
                guard let first = int(first), let last = int(last) else { return nil }
                slots.append(.array([.integer(first), .integer(last)]))
            } else {
                guard let slot = int(word) else { return nil }
                slots.append(.array([.integer(slot), .integer(slot)]))
            }
        }
        var node = JSONObjectBuilder()
        node.add("id", .bulkString(Array(words[0])))
        endpoint.add(to: &node)
        let flags = words[2].split(separator: UInt8(ascii: ",")).filter { !$0.elementsEqual("noflags".utf8) }
        node.add("flags", .array(flags.map { .bulkString(Array($0)) }))
        node.add("master", words[3].elementsEqual("-".utf8) ? .null : .bulkString(Array(words[3])))
        node.add("ping_sent", .integer(pingSent))
        node.add("pong_recv", .integer(pongRecv))
        node.add("config_epoch", .integer(epoch))
        node.add("link_state", .bulkString(Array(words[7])))
        node.add("slots", .array(slots))
        node.add("migrating", migrating.value)
        node.add("importing", importing.value)
        if !endpoint.aux.isEmpty {
            var aux = JSONObjectBuilder()
            for (key, value) in endpoint.aux { aux.add(key, TextFields.typed(value)) }
            node.add("aux", aux.value)
        }
        return node.value
    }

    /// `ip:port@cport[,hostname[,key=value...]]`.
    private struct Endpoint {
        var ip: ArraySlice<UInt8>
        var port: Int64
        var cport: Int64?
        var hostname: ArraySlice<UInt8>?
        var aux: [(ArraySlice<UInt8>, ArraySlice<UInt8>)] = []

        init?(_ word: ArraySlice<UInt8>) {
            let parts = word.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            var address = parts[0]
            if let at = address.firstIndex(of: UInt8(ascii: "@")) {
                guard let cport = ClusterNodesText.int(address[(at + 1)...]) else { return nil }
                self.cport = cport
                address = address[..<at]
            }
            guard let colon = address.lastIndex(of: UInt8(ascii: ":")),
                let port = ClusterNodesText.int(address[(colon + 1)...])
            else { return nil }
            ip = address[..<colon]
            self.port = port
            for (i, part) in parts.dropFirst().enumerated() {
                if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                    aux.append((part[..<eq], part[(eq + 1)...]))
                } else if i == 0, !part.isEmpty {
                    hostname = part
                }
            }
        }

        func add(to node: inout JSONObjectBuilder) {
            node.add("address", .bulkString(Array(ip) + Array(":\(port)".utf8)))
            node.add("ip", .bulkString(Array(ip)))
            node.add("port", .integer(port))
            node.add("cport", cport.map { .integer($0) } ?? .null)
            node.add("hostname", hostname.map { .bulkString(Array($0)) } ?? .null)
        }
    }

    /// `text` split at the first occurrence of `separator` (neither side empty).
    private static func split(
        _ text: ArraySlice<UInt8>, at separator: String
    ) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        let sep = Array(separator.utf8)
        var i = text.startIndex
        while i + sep.count <= text.endIndex {
            if text[i..<(i + sep.count)].elementsEqual(sep) {
                let head = text[..<i]
                let tail = text[(i + sep.count)...]
                return head.isEmpty || tail.isEmpty ? nil : (head, tail)
            }
            i += 1
        }
        return nil
    }

    private static func int(_ text: ArraySlice<UInt8>) -> Int64? {
        if case .integer(let n) = TextFields.typed(text) { return n }
        return nil
    }
}
