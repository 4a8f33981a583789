import AmberCore
import AmberRepository
import Foundation
import Testing

@Suite("Prune plan file")
struct PrunePlanTests {
    /// Any i64 creation time decodes and encodes again without a trap, and decodes to the same
    /// plan (the fuzzer's input: created = Int64.max, which a Date brings back as 2^63 ns).
    @Test(arguments: [Int64.max, Int64.min, 0, -1, 1_800_000_000_000_000_000])
    func anyCreationTimeSurvivesEncodingAgain(created: Int64) throws {
        var bytes: [UInt8] = [1]
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: created) >> UInt64(shift))) }
        bytes += [0, 0, 0, 0, 0, 0, 0, 0]
        let plan = try PrunePlan(decoding: bytes, what: "test")
        #expect(plan.indexFiles.isEmpty && plan.packs.isEmpty)
        #expect(try PrunePlan(decoding: plan.encoded(), what: "again") == plan)
    }

    @Test func extremeDatesEncodeClamped() throws {
        for date in [Date.distantFuture.addingTimeInterval(1e300), Date(timeIntervalSince1970: -1e300)] {
            let plan = PrunePlan(created: date, indexFiles: [], packs: [])
            #expect(plan.encoded().count == 17)
        }
    }
}
