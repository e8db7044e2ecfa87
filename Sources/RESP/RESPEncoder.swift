/// Encodes commands as RESP arrays of bulk strings.
public enum RESPEncoder {
    /// Appends `*argc` and each argument as `$len` + bytes to `out`.
    @inlinable
    public static func encode<S: Sequence>(_ args: S, count: Int, into out: inout [UInt8]) where S.Element == [UInt8] {
        out.append(UInt8(ascii: "*"))
        appendDecimal(count, to: &out)
        out.append(13)
        out.append(10)
        for arg in args {
            out.append(UInt8(ascii: "$"))
            appendDecimal(arg.count, to: &out)
            out.append(13)
            out.append(10)
            out.append(contentsOf: arg)
            out.append(13)
            out.append(10)
        }
    }

    /// Encodes one command into a new buffer.
    public static func encode(_ args: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        encode(args, count: args.count, into: &out)
        return out
    }

    /// Appends the decimal digits of `n`.
    @inlinable
    public static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var v = n.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
