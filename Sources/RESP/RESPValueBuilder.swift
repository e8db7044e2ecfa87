/// Assembles `RESPEvent`s into whole `RESPValue`s (for replies that are small by nature:
/// handshakes, tests). Never reserves more than a small bound from an announced count.
public struct RESPValueBuilder: Sendable {
    private var stack: [(kind: RESPAggregateKind, items: [RESPValue])] = []

    /// An empty builder.
    public init() {}

    /// True when no aggregate is open.
    public var isEmpty: Bool { stack.isEmpty }

    /// Feeds one event; returns the completed top-level value, if this event completed one.
    public mutating func feed(_ event: RESPEvent) -> RESPValue? {
        switch event {
        case .begin(let kind, let count):
            var items: [RESPValue] = []
            items.reserveCapacity(min(kind == .map ? count * 2 : count, 1024))
            stack.append((kind, items))
            return nil
        case .scalar(let value):
            return attach(value)
        case .end:
            guard let top = stack.popLast() else { return nil }
            let value: RESPValue
            switch top.kind {
            case .array: value = .array(top.items)
            case .set: value = .set(top.items)
            case .push: value = .push(top.items)
            case .map: value = .map(top.items)
            }
            return attach(value)
        }
    }

    private mutating func attach(_ value: RESPValue) -> RESPValue? {
        if stack.isEmpty { return value }
        stack[stack.count - 1].items.append(value)
        return nil
    }
}
