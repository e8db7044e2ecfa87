import RESP

/// The text replies `--json` and `--quoted-json` print as structured JSON rather than one string
/// (README "Structured JSON replies" documents the shapes).
package enum ReplyShape: Sendable, Equatable {
    /// `INFO [section ...]`: an object of sections, each an object of fields.
    case info
    /// `CLUSTER INFO`: an object of fields.
    case clusterInfo
    /// `CLUSTER NODES`: an array of node objects.
    case clusterNodes
    /// `CLUSTER REPLICAS|SLAVES <id>`: an array of node objects (the reply is one line each).
    case clusterReplicas
    /// `CLIENT LIST`: an array of client objects.
    case clientList
    /// `CLIENT INFO`: one client object.
    case clientInfo
    /// `MEMORY STATS`: an object (nested `db.N` objects, numbers typed).
    case memoryStats

    /// The structured form of `reply`, or nil when it is not the text (or for MEMORY STATS the
    /// map) this shape expects: an error, another type, a line that does not parse.
    package func structure(_ reply: RESPValue) -> RESPValue? {
        switch self {
        case .memoryStats:
            return Self.object(reply)
        case .clusterReplicas:
            guard case .array(let lines) = reply else { return nil }
            var nodes: [RESPValue] = []
            for line in lines {
                guard case .bulkString(let text) = line, case .array(let parsed)? = ClusterNodesText.structure(text)
                else { return nil }
                nodes += parsed
            }
            return .array(nodes)
        case .info, .clusterInfo, .clusterNodes, .clientList, .clientInfo:
            let text: [UInt8]
            switch reply {
            case .bulkString(let bytes), .verbatim(_, let bytes): text = bytes
            default: return nil
            }
            switch self {
            case .clusterNodes: return ClusterNodesText.structure(text)
            case .clientList: return ClientListText.structure(text)
            case .clientInfo:
                guard case .array(let clients)? = ClientListText.structure(text), clients.count == 1 else { return nil }
                return clients[0]
            default: return InfoText.structure(text)
            }
        }
    }

    /// A map, or a flat array of string keys and values (RESP2), as an object whose nested
    /// maps/arrays of pairs are objects too, numbers in strings typed, and doubles that are not
    /// JSON numbers (`inf`, `nan`) strings.
    private static func object(_ reply: RESPValue) -> RESPValue? {
        let items: [RESPValue]
        switch reply {
        case .map(let m), .array(let m): items = m
        default: return nil
        }
        guard items.count % 2 == 0 else { return nil }
        var members = JSONObjectBuilder()
        var i = 0
        while i < items.count {
            guard let key = items[i].stringBytes, !items[i].isError else { return nil }
            members.add(ArraySlice(key), member(items[i + 1]))
            i += 2
        }
        return members.value
    }

    private static func member(_ value: RESPValue) -> RESPValue {
        switch value {
        case .bulkString(let bytes), .simpleString(let bytes), .double(let bytes):
            return TextFields.typed(ArraySlice(bytes))
        case .map, .array:
            return object(value) ?? value
        default:
            return value
        }
    }
}
