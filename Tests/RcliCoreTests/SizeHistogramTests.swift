import Testing

@testable import RcliCore

@Suite struct SizeHistogramTests {
    @Test func bucketsKeepFifteenSignificantBits() {
        #expect(SizeHistogram.bucket(100) == (100, 1))
        #expect(SizeHistogram.bucket(32767) == (32767, 1))
        #expect(SizeHistogram.bucket(32768) == (32768, 2))
        // redis-cli shows a 144056-byte key as 140.69K in the table (140.68K elsewhere).
        let b = SizeHistogram.bucket(144_056)
        #expect(b.lowest + b.size - 1 == 144_063)
        #expect(StatMode.humanBytes(144_063) == "140.69K")
    }

    @Test func percentileSteps() {
        #expect(SizeHistogram.step(after: 0) == 50)
        #expect(SizeHistogram.step(after: 50) == 25)
        #expect(SizeHistogram.step(after: 75) == 12.5)
        #expect(SizeHistogram.step(after: 87.5) == 6.25)
    }

    @Test func rowsSkipRepeatsAndEndAtHundred() {
        var h = SizeHistogram()
        for _ in 0..<3 { h.record(64) }
        for _ in 0..<25 { h.record(239) }
        for _ in 0..<14 { h.record(763) }
        for _ in 0..<13 { h.record(1_048_680) }
        let rows = h.rows()
        #expect(rows.map(\.cumulative) == [3, 28, 42, 55])
        #expect(rows.map(\.percentile) == [0, 50, 75, 100])
        #expect(rows.map(\.value) == [64, 239, 763, 1_048_703])
    }

    @Test func emptyAndSingle() {
        #expect(SizeHistogram().rows().isEmpty)
        var h = SizeHistogram()
        h.record(50)
        #expect(h.rows() == [SizeHistogram.Row(value: 50, percentile: 100, cumulative: 1)])
        #expect(h.meanAndDeviation() == (50, 0))
        h.record(150)
        #expect(h.meanAndDeviation() == (100, 50))
    }
}
