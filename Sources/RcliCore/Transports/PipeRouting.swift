import Cluster

/// `--pipe -c`'s fast path: the slot of a request found where its key lies (a pipe file
/// repeats one command, so the key table is looked up once per command name), and each slot's
/// master link remembered while the slot map stays as it was.
struct PipeRouting {
    private var links = [ClusterLink?](repeating: nil, count: HashSlot.count)
    private var generations = [UInt32](repeating: 0, count: HashSlot.count)
    private var generation: UInt32 = 1
    private var lastName: [UInt8] = []
    private var lastInfo: CommandKeyInfo?
    /// Where the cached command's first key is, when that is a fixed place.
    private var fixedKeyIndex: Int?

    /// The link remembered for `slot`.
    func link(for slot: Int) -> ClusterLink? {
        generations[slot] == generation ? links[slot] : nil
    }

    /// Remembers that `slot`'s master is reached over `link`.
    mutating func remember(_ slot: Int, _ link: ClusterLink) {
        links[slot] = link
        generations[slot] = generation
    }

    /// The slot map may have changed (MOVED, a reload, a failed node): look slots up again.
    mutating func forgetSlots() {
        generation &+= 1
    }

    /// The slot of `command`'s first key, nil for keyless commands.
    mutating func slot(of command: PipeInput.Command) -> Int? {
        // The usual case: the same command as before, its key at a fixed place (one walk).
        if command.inlineArgs == nil, let i = fixedKeyIndex, !lastName.isEmpty {
            let (name, key) = command.nameAndArg(i)
            if name == lastName[...] { return i < command.count ? HashSlot.slot(key) : nil }
        }
        if command.inlineArgs == nil, command.count > 0, command.arg(0).elementsEqual(lastName) {
            // Same command name as before: the cached entry applies.
        } else {
            lastName = Array(command.arg(0))
            let probe = command.count > 1 ? [lastName, Array(command.arg(1))] : [lastName]
            lastInfo = CommandKeys.info(for: probe)
            if lastInfo != nil && command.count > 1 && CommandKeys.info(for: [lastName]) != lastInfo {
                lastName = [] // a subcommand's entry: looked up each time
            }
            fixedKeyIndex = nil
            if let spec = lastInfo?.specs.first, case .index(let i) = spec.begin, case .range = spec.find {
                fixedKeyIndex = i
            }
        }
        if command.inlineArgs == nil, let i = fixedKeyIndex {
            return i < command.count ? HashSlot.slot(command.arg(i)) : nil
        }
        guard let info = lastInfo ?? CommandKeys.info(for: command.args) else { return nil }
        return CommandKeys.keys(command.args, info: info).first.map(HashSlot.slot)
    }
}
