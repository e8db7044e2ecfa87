/// A one-line text form of argument specs, for the committed table (CommandArguments.generated.swift).
///
/// `list := arg ("," arg)*`, `arg := kind flags ":" name ":" display ":" token [":" since] ["(" list ")"]`,
/// where kind is one letter (`s i d k p u t o b`), flags are `?` optional, `*` multiple, `+`
/// multiple_token; display and token are empty when absent and `=` + text when present, and so
/// is since, left out when absent; `%,:()=` in text are `%XX`.
extension ArgumentSpec {
    private static let kindLetters: [(Kind, Character)] = [
        (.string, "s"), (.integer, "i"), (.double, "d"), (.key, "k"), (.pattern, "p"), (.unixTime, "u"),
        (.pureToken, "t"), (.oneOf, "o"), (.block, "b"),
    ]

    /// `specs` in the compact form.
    package static func compact(_ specs: [ArgumentSpec]) -> String {
        specs.map(\.compact).joined(separator: ",")
    }

    /// This spec in the compact form.
    package var compact: String {
        let letter = Self.kindLetters.first { $0.0 == kind }?.1 ?? "s"
        var out = String(letter)
        if optional { out += "?" }
        if multiple { out += "*" }
        if multipleToken { out += "+" }
        out += ":" + Self.escape(name) + ":" + (displayText.map { "=" + Self.escape($0) } ?? "")
        out += ":" + (token.map { "=" + Self.escape($0) } ?? "")
        if let since { out += ":=" + Self.escape(since) }
        if !children.isEmpty { out += "(" + Self.compact(children) + ")" }
        return out
    }

    /// Specs from the compact form; nil when the text is not in that form.
    package static func parse(compact text: String) -> [ArgumentSpec]? {
        var input = Substring(text)
        guard let specs = parseList(&input), input.isEmpty else { return nil }
        return specs
    }

    private static func parseList(_ input: inout Substring) -> [ArgumentSpec]? {
        var specs: [ArgumentSpec] = []
        if input.isEmpty || input.first == ")" { return specs }
        while true {
            guard let spec = parseOne(&input) else { return nil }
            specs.append(spec)
            guard input.first == "," else { return specs }
            input.removeFirst()
        }
    }

    private static func parseOne(_ input: inout Substring) -> ArgumentSpec? {
        guard let letter = input.popFirst(), let kind = kindLetters.first(where: { $0.1 == letter })?.0 else {
            return nil
        }
        var spec = ArgumentSpec("", kind)
        while let c = input.first, "?*+".contains(c) {
            input.removeFirst()
            if c == "?" { spec.optional = true }
            if c == "*" { spec.multiple = true }
            if c == "+" { spec.multipleToken = true }
        }
        var fields: [String] = []
        for i in 0..<4 {
            if i == 3 && input.first != ":" { break }
            guard input.popFirst() == ":" else { return nil }
            let end = input.firstIndex { ",:()".contains($0) } ?? input.endIndex
            fields.append(String(input[..<end]))
            input = input[end...]
        }
        guard let name = unescape(fields[0]) else { return nil }
        spec.name = name
        for (i, field) in fields.enumerated().dropFirst() where !field.isEmpty {
            guard field.first == "=", let value = unescape(String(field.dropFirst())) else { return nil }
            switch i {
            case 1: spec.displayText = value
            case 2: spec.token = value
            default: spec.since = value
            }
        }
        if input.first == "(" {
            input.removeFirst()
            guard let children = parseList(&input), input.popFirst() == ")" else { return nil }
            spec.children = children
        }
        return spec
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if "%,:()=".unicodeScalars.contains(c) {
                let hex = String(c.value, radix: 16, uppercase: true)
                out += "%" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private static func unescape(_ s: String) -> String? {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c == "%" else {
                out.unicodeScalars.append(c)
                continue
            }
            guard let a = it.next(), let b = it.next(),
                let v = UInt32(String([Character(a), Character(b)]), radix: 16),
                let scalar = Unicode.Scalar(v)
            else { return nil }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
