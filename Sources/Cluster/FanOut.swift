import RESP

/// A multi-key command whose keys span slots, split into one command per slot, and how to
/// merge the parts' replies into the reply one node would have given. Not atomic: each part
/// runs on its own node.
package struct FanOut: Sendable, Equatable {
    /// How part replies combine.
    package enum Merge: Sendable, Equatable {
        /// MGET: each part's array elements go back to their keys' positions (of `total`).
        case positional(total: Int)
        /// DEL, UNLINK, EXISTS, TOUCH, DBSIZE: integers summed.
        case sum
        /// MSET: OK when every part said OK.
        case allOK
        /// KEYS: arrays concatenated.
        case concatenate
    }

    /// One part: its command, its slot, and (for MGET) where its keys were.
    package struct Part: Sendable, Equatable {
        package var args: [[UInt8]]
        package var slot: Int
        package var positions: [Int]
    }

    /// The merge rule.
    package let merge: Merge
    /// The parts, in order of each slot's first key.
    package let parts: [Part]
    /// One part per master (DBSIZE, KEYS) rather than per slot.
    package var perMaster = false

    /// Commands that can be split, and the number of arguments per key.
    private static let splittable: [String: (stride: Int, merge: Merge?)] = [
        "mget": (1, nil), "mset": (2, .allOK), "del": (1, .sum), "unlink": (1, .sum), "exists": (1, .sum),
        "touch": (1, .sum),
    ]

    /// The split of `args` when it is one of MGET, MSET, DEL, UNLINK, EXISTS, TOUCH and its keys
    /// span more than one slot; nil otherwise.
    package static func split(_ args: [[UInt8]]) -> FanOut? {
        guard let first = args.first else { return nil }
        let name = CommandKeys.lowercased(first)
        guard let rule = splittable[name], args.count > 1, (args.count - 1) % rule.stride == 0 else { return nil }
        var order: [Int] = []
        var groups: [Int: Part] = [:]
        var index = 1
        var position = 0
        while index < args.count {
            let slot = HashSlot.slot(args[index])
            if groups[slot] == nil {
                groups[slot] = Part(args: [first], slot: slot, positions: [])
                order.append(slot)
            }
            groups[slot]?.args.append(contentsOf: args[index..<(index + rule.stride)])
            groups[slot]?.positions.append(position)
            index += rule.stride
            position += 1
        }
        guard order.count > 1 else { return nil }
        return FanOut(merge: rule.merge ?? .positional(total: position), parts: order.compactMap { groups[$0] })
    }

    /// A command run once per master (DBSIZE, KEYS), given each master's representative slot.
    package static func perMaster(_ args: [[UInt8]], slots: [Int], merge: Merge) -> FanOut {
        var plan = FanOut(merge: merge, parts: slots.map { Part(args: args, slot: $0, positions: []) })
        plan.perMaster = true
        return plan
    }

    /// The reply one node would have given, from the parts' replies (in `parts` order). The
    /// first error (in key order) wins.
    package func combine(_ replies: [RESPValue]) -> RESPValue {
        if let error = replies.first(where: \.isError) { return error }
        switch merge {
        case .sum:
            var total: Int64 = 0
            for reply in replies {
                guard case .integer(let n) = reply else { return Self.unexpected(reply) }
                total &+= n
            }
            return .integer(total)
        case .allOK:
            for reply in replies where reply != .simpleString(Array("OK".utf8)) { return Self.unexpected(reply) }
            return .simpleString(Array("OK".utf8))
        case .concatenate:
            var all: [RESPValue] = []
            for reply in replies {
                switch reply {
                case .array(let items), .set(let items): all += items
                default: return Self.unexpected(reply)
                }
            }
            return .array(all)
        case .positional(let total):
            var out = [RESPValue](repeating: .null, count: total)
            for (part, reply) in zip(parts, replies) {
                guard case .array(let items) = reply, items.count == part.positions.count else {
                    return Self.unexpected(reply)
                }
                for (position, item) in zip(part.positions, items) where position < total { out[position] = item }
            }
            return .array(out)
        }
    }

    private static func unexpected(_ reply: RESPValue) -> RESPValue {
        .error(Array("ERR rcli: a part of a command split across slots got an unexpected reply".utf8))
    }
}
