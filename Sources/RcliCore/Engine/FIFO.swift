/// A first-in first-out queue over an array: a pop moves the item out and advances a head
/// index; the storage is reset whenever the queue runs empty (the usual case: items are taken
/// about as fast as they come) and compacted only once the consumed prefix is at least half of
/// it, so a long pipeline costs O(1) per item and copies nothing it does not have to.
struct FIFO<Element> {
    init() {}

    private var items: [Element?] = []
    private var head = 0

    /// Items still queued.
    var count: Int { items.count - head }

    /// The oldest item, without taking it.
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func append(_ item: Element) {
        items.append(item)
    }

    /// Takes the oldest item.
    mutating func pop() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    /// Reads the oldest item where it lies (nothing when empty).
    func readFirst(_ body: (Element) -> Void) {
        guard head < items.count, let item = items[head] else { return }
        body(item)
    }

    /// Changes the oldest item in place (nothing when empty): no copy of it is made.
    mutating func updateFirst(_ body: (inout Element) -> Void) {
        update(at: head, body)
    }

    /// Changes the newest item in place (nothing when empty).
    mutating func updateLast(_ body: (inout Element) -> Void) {
        update(at: items.count - 1, body)
    }

    /// Written out rather than through `Optional.take()`, which runs unspecialized here (the
    /// runtime's copy and destroy of the element: most of an in-place update's cost).
    private mutating func update(at i: Int, _ body: (inout Element) -> Void) {
        guard i >= head, i < items.count, items[i] != nil else { return }
        body(&items[i]!)
    }

    /// Takes everything, oldest first.
    mutating func drain() -> [Element] {
        let rest = items[head...].compactMap { $0 }
        items.removeAll()
        head = 0
        return rest
    }
}

extension FIFO: Sendable where Element: Sendable {}
