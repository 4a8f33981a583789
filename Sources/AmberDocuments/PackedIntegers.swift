import AmberCore

/// A column of signed 64-bit integers, frame-of-reference coded and bit-packed
/// (`manifest-format.md` §N.7, "Integers"): the form of every integer stream in ``RowColumns``.
///
/// ```
/// Integers = mode u8 ‖ [first zigzag varint, mode 1] ‖ base zigzag varint ‖ width u8 ‖ packed
/// ```
///
/// - **Mode 0, plain**: the `n` values themselves.
/// - **Mode 1, delta** (`n ≥ 2`): the first value, then the `n − 1` differences `vᵢ − vᵢ₋₁`.
///
/// The sequence of the mode (`s`) is stored as `sᵢ − base`, `base` its minimum, each in `width`
/// bits (0…64, the bit length of the largest), packed least significant bit first into bytes,
/// with zero padding bits. All arithmetic wraps modulo 2⁶⁴, so every `Int64` sequence fits. A
/// writer picks the mode with the smaller width (plain on a tie): sorted keys cost their gaps,
/// random values their range, and a constant column nothing. The count is not stored: the
/// enclosing structure gives it; an empty column is no bytes at all.
public enum PackedIntegers {
    /// Appends the encoding of `values` (nothing when empty).
    public static func append(_ values: [Int64], to out: inout [UInt8]) {
        guard let firstValue = values.first else { return }
        let plain = frame(values[...])
        var deltas = [Int64]()
        if values.count >= 2 {
            deltas.reserveCapacity(values.count - 1)
            for i in 1..<values.count { deltas.append(values[i] &- values[i - 1]) }
        }
        let delta = deltas.isEmpty ? nil : frame(deltas[...])
        if let delta, delta.width < plain.width {
            out.append(1)
            LEB128.appendSigned(firstValue, to: &out)
            pack(deltas, frame: delta, to: &out)
        } else {
            out.append(0)
            pack(values, frame: plain, to: &out)
        }
    }

    /// Reads `count` values (nothing when `count` is 0), refusing an unknown mode, a width over
    /// 64, a base that is not the minimum, a width that is not the smallest, and set padding bits.
    /// Spends 8 bytes a value from `budget`.
    public static func read(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) -> [Int64] {
        guard count > 0 else { return [] }
        try budget.spend(count.multipliedReportingOverflow(by: 8).overflow ? Int.max : count * 8, reader)
        let mode = try reader.u8()
        guard mode <= 1, mode == 0 || count >= 2 else { throw failure("bad integer column mode \(mode)", reader) }
        let first = mode == 1 ? try LEB128.readSigned(&reader) : 0
        let stored = mode == 1 ? count - 1 : count
        let base = try LEB128.readSigned(&reader)
        let width = Int(try reader.u8())
        guard width <= 64 else { throw failure("integer width \(width) over 64", reader) }
        let byteCount = (stored * width + 7) / 8
        guard byteCount <= reader.remaining else { throw failure("packed integers beyond the end", reader) }
        let packed = try reader.raw(byteCount)
        var values = [Int64]()
        values.reserveCapacity(count)
        if mode == 1 { values.append(first) }
        var bit = 0
        var largest: UInt64 = 0, smallest = UInt64.max
        for _ in 0..<stored {
            var u: UInt64 = 0
            var got = 0
            while got < width {
                let take = min(8 - bit % 8, width - got)
                let byte = UInt64(packed[bit / 8] >> UInt8(bit % 8)) & ((1 << UInt64(take)) - 1)
                u |= byte << UInt64(got)
                got += take
                bit += take
            }
            largest = max(largest, u)
            smallest = min(smallest, u)
            let s = base &+ Int64(bitPattern: u)
            values.append(mode == 1 ? values[values.count - 1] &+ s : s)
        }
        guard smallest == 0, bitLength(largest) == width else { throw failure("integer base or width not minimal", reader) }
        if bit % 8 != 0, packed[bit / 8] >> UInt8(bit % 8) != 0 { throw failure("packed integers with set padding bits", reader) }
        return values
    }

    private struct Frame {
        var base: Int64
        var width: Int
    }

    private static func frame(_ values: ArraySlice<Int64>) -> Frame {
        let base = values.min()!
        var largest: UInt64 = 0
        for v in values { largest = max(largest, UInt64(bitPattern: v &- base)) }
        return Frame(base: base, width: bitLength(largest))
    }

    private static func pack(_ values: [Int64], frame: Frame, to out: inout [UInt8]) {
        LEB128.appendSigned(frame.base, to: &out)
        out.append(UInt8(frame.width))
        var current: UInt8 = 0
        var fill = 0
        for v in values {
            var u = UInt64(bitPattern: v &- frame.base)
            var left = frame.width
            while left > 0 {
                let take = min(8 - fill, left)
                current |= UInt8(truncatingIfNeeded: u & ((1 << UInt64(take)) - 1)) << UInt8(fill)
                u >>= UInt64(take)
                fill += take
                left -= take
                if fill == 8 {
                    out.append(current)
                    current = 0
                    fill = 0
                }
            }
        }
        if fill > 0 { out.append(current) }
    }

    private static func bitLength(_ v: UInt64) -> Int { 64 - v.leadingZeroBitCount }

    static func failure(_ reason: String, _ reader: ByteReader) -> FormatError {
        FormatError(context: reader.context, reason: "\(reason) at offset \(reader.offset)")
    }
}
