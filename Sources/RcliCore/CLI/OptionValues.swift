/// Validating converters for option values.
enum OptionValues {
    static func integer(_ v: String, option: String) throws(RcliError) -> Int64 {
        guard let n = Int64(v) else {
            throw RcliError.usage("Invalid value for \(option): '\(v)' (expected an integer)")
        }
        return n
    }

    static func port(_ v: String, option: String) throws(RcliError) -> Int {
        guard let n = Int(v), (0...65535).contains(n) else {
            throw RcliError.usage("Invalid port for \(option): '\(v)' (expected 0-65535)")
        }
        return n
    }

    static func seconds(_ v: String, option: String) throws(RcliError) -> Double {
        guard let d = Double(v), d.isFinite, d >= 0 else {
            throw RcliError.usage("Invalid value for \(option): '\(v)' (expected a non-negative number of seconds)")
        }
        return d
    }

    static func yesNo(_ v: String, option: String) throws(RcliError) -> Bool {
        switch v.lowercased() {
        case "yes", "y": return true
        case "no", "n": return false
        default: throw RcliError.usage("Invalid value for \(option): '\(v)' (expected yes or no)")
        }
    }

    static func count(_ v: String, option: String, range: ClosedRange<Int>) throws(RcliError) -> Int {
        guard let n = Int(v), range.contains(n) else {
            throw RcliError.usage(
                "Invalid value for \(option): '\(v)' (expected a number from \(range.lowerBound) to "
                    + "\(range.upperBound))"
            )
        }
        return n
    }
}
