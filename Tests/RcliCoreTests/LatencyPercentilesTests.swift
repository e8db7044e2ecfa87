import Testing

@testable import RcliCore

@Suite struct LatencyPercentilesTests {
    @Test func valueAtPercentileIsHdrs() {
        var h = SizeHistogram()
        #expect(h.value(atPercentile: 50) == 0)
        for v in 1...1000 { h.record(UInt64(v)) }
        #expect(h.value(atPercentile: 50) == 500)
        #expect(h.value(atPercentile: 99) == 990)
        #expect(h.value(atPercentile: 99.9) == 999)
        #expect(h.value(atPercentile: 100) == 1000)
        #expect(h.value(atPercentile: 0) == 1)
        h.record(100_000)
        // Above 32767 a value is its bucket's highest.
        #expect(h.value(atPercentile: 100) == 100_003)
    }

    @Test func linesInEveryFormat() {
        var p = LatencyPercentiles([50, 99, 99.9])
        for us in [31, 89, 336, 100] { p.record(microseconds: us) }
        #expect(
            p.line(format: .tty)
                == "min: 0.031, max: 0.336, avg: 0.139 (4 samples), p50: 0.089, p99: 0.336, p99.9: 0.336")
        #expect(p.line(format: .raw) == "0.031 0.336 0.139 4 0.089 0.336 0.336\n")
        #expect(p.line(format: .csv) == "0.031,0.336,0.139,4,0.089,0.336,0.336\n")
        #expect(
            p.line(format: .json)
                == "{\"min\":0.031,\"max\":0.336,\"avg\":0.139,\"count\":4,"
                + "\"percentiles\":{\"50\":0.089,\"99\":0.336,\"99.9\":0.336}}\n")
        p.reset()
        p.record(microseconds: 1500)
        #expect(p.line(format: .raw) == "1.500 1.500 1.500 1 1.500 1.500 1.500\n")
        // A PING slower than 32.767 ms lands in a wider bucket: its percentile is the PING's time,
        // not the bucket's top (the CI run that saw p99.9 above max).
        p.reset()
        p.record(microseconds: 40_000)
        #expect(p.line(format: .raw) == "40.000 40.000 40.000 1 40.000 40.000 40.000\n")
    }

    @Test func parsing() {
        #expect(LatencyPercentiles.parse("50,99,99.9") == [50, 99, 99.9])
        #expect(LatencyPercentiles.parse("100") == [100])
        for bad in ["", "50,", "abc", "101", "-1", "50,,99", "nan", "inf"] {
            #expect(LatencyPercentiles.parse(bad) == nil, "\(bad)")
        }
        #expect(LatencyPercentiles.label(99.9) == "99.9" && LatencyPercentiles.label(50) == "50")
    }
}
