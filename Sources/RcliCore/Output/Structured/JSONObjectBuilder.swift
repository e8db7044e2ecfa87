import RESP

/// A JSON object built in order as a flattened `RESPValue.map`. A key given again gathers its
/// values in an array (INFO's `listener0:...,bind=*,bind=-::*`).
struct JSONObjectBuilder {
    private var items: [RESPValue] = []
    private var index: [ArraySlice<UInt8>: Int] = [:]
    private var gathered: Set<Int> = []

    /// Adds `value` under `key`.
    mutating func add(_ key: ArraySlice<UInt8>, _ value: RESPValue) {
        guard let at = index[key] else {
            index[key] = items.count + 1
            items.append(.bulkString(Array(key)))
            items.append(value)
            return
        }
        if gathered.contains(at), case .array(let values) = items[at] {
            items[at] = .array(values + [value])
        } else {
            items[at] = .array([items[at], value])
            gathered.insert(at)
        }
    }

    /// Adds `value` under the text `key`.
    mutating func add(_ key: String, _ value: RESPValue) {
        add(ArraySlice(key.utf8), value)
    }

    /// The object.
    var value: RESPValue { .map(items) }
}
