import AmberCore
import Foundation

extension TextColumn {
    /// The shared shape of a column's values: its literal runs, and per digit run (slot) the
    /// runs of every value (``TextColumn``, modes 2 to 5). With `decimals`, a digit run followed
    /// by `.` and digits is one slot whose fraction may be absent (timestamps whose zero
    /// fraction PostgreSQL leaves out, numerics of varying scale without trailing zeros).
    struct Shape {
        enum Token: Equatable {
            case literal([UInt8])
            case slot
        }

        var tokens: [Token]
        var decimals: Bool
        /// Per slot, where its digit run is in every value (with `decimals`, the part before
        /// the `.`), in the buffer of the values (``TextColumn/Spans``).
        var slots: [[Range<Int>]]
        /// With `decimals`, per slot, where every value's fraction digits (after the `.`) are, if any.
        var fractions: [[Range<Int>?]]

        /// The shape of `values`, or nil when they do not share one.
        init?(_ values: Spans, decimals: Bool = false) {
            guard let first = values.ranges.first else { return nil }
            let bytes = values.bytes
            var tokens = [Token]()
            // Where the literals are in the first value: later values are compared with them.
            var literals = [Range<Int>]()
            for run in Runs(bytes, first, decimals: decimals) {
                if TextColumn.isDigit(bytes[run.lowerBound]) {
                    tokens.append(.slot)
                } else {
                    tokens.append(.literal(Array(bytes[run])))
                    literals.append(run)
                }
            }
            let slotCount = tokens.count - literals.count
            var slots = [[Range<Int>]](repeating: [], count: slotCount)
            var fractions = [[Range<Int>?]](repeating: [], count: decimals ? slotCount : 0)
            for k in slots.indices { slots[k].reserveCapacity(values.ranges.count) }
            for value in values.ranges {
                var t = 0, k = 0, l = 0
                for run in Runs(bytes, value, decimals: decimals) {
                    guard t < tokens.count else { return nil }
                    if case .slot = tokens[t] {
                        guard TextColumn.isDigit(bytes[run.lowerBound]) else { return nil }
                        var whole = run
                        if decimals {
                            var fraction: Range<Int>?
                            if let dot = bytes[run].firstIndex(of: UInt8(ascii: ".")) {
                                whole = run.lowerBound..<dot
                                let digits = dot + 1..<run.upperBound
                                // Trailing zeros would be lost: the fraction is stored padded.
                                guard digits.count <= TextColumn.maximumSlotDigits, bytes[digits.upperBound - 1] != UInt8(ascii: "0") else { return nil }
                                fraction = digits
                            }
                            fractions[k].append(fraction)
                        }
                        guard whole.count <= TextColumn.maximumSlotDigits else { return nil }
                        slots[k].append(whole)
                        k += 1
                    } else {
                        guard Self.equal(bytes, run, literals[l]) else { return nil }
                        l += 1
                    }
                    t += 1
                }
                guard t == tokens.count else { return nil }
            }
            self.tokens = tokens
            self.decimals = decimals
            self.slots = slots
            self.fractions = fractions
        }

        /// Whether two ranges of `bytes` hold the same bytes.
        private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && (a.isEmpty || memcmp(bytes.baseAddress! + a.lowerBound, bytes.baseAddress! + b.lowerBound, a.count) == 0)
        }

        /// The maximal runs of ASCII digits and of other bytes of the value at `range` of `bytes`,
        /// as ranges, as it is iterated (no array of runs is made); with `decimals`, a digit run,
        /// `.` and a digit run are one run.
        struct Runs: Sequence, IteratorProtocol {
            let bytes: UnsafeBufferPointer<UInt8>
            let limit: Int
            let decimals: Bool
            private var start: Int

            init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, decimals: Bool) {
                self.bytes = bytes
                self.decimals = decimals
                start = range.lowerBound
                limit = range.upperBound
            }

            mutating func next() -> Range<Int>? {
                guard start < limit else { return nil }
                let digits = TextColumn.isDigit(bytes[start])
                var end = start + 1
                while end < limit && TextColumn.isDigit(bytes[end]) == digits { end += 1 }
                if digits, decimals, end + 1 < limit, bytes[end] == UInt8(ascii: "."), TextColumn.isDigit(bytes[end + 1]) {
                    end += 2
                    while end < limit && TextColumn.isDigit(bytes[end]) { end += 1 }
                }
                defer { start = end }
                return start..<end
            }
        }

        /// Appends the shape, its slots' runs read from `bytes` (the buffer its ranges are in).
        func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
            LEB128.append(UInt64(tokens.count), to: &out)
            for token in tokens {
                switch token {
                case .literal(let literal):
                    out.append(0)
                    LEB128.append(UInt64(literal.count), to: &out)
                    out.append(contentsOf: literal)
                case .slot:
                    out.append(1)
                }
            }
            let zero = UInt8(ascii: "0")
            for (k, runs) in slots.enumerated() {
                defer { if decimals { Self.appendFractions(fractions[k], bytes, to: &out) } }
                if runs.allSatisfy({ $0.count == 1 || bytes[$0.lowerBound] != zero }) {
                    out.append(0)
                    PackedIntegers.append(runs.map { Self.value(bytes, $0) }, to: &out)
                } else if runs.allSatisfy({ bytes[$0.upperBound - 1] != zero }) {
                    // Fraction digits with trailing zeros dropped (as PostgreSQL writes fractional
                    // seconds): the runs padded on the right to the longest, no widths.
                    let width = runs.map(\.count).max()!
                    out.append(2)
                    out.append(UInt8(width))
                    PackedIntegers.append(runs.map { Self.value(bytes, $0) * Self.powerOfTen(width - $0.count) }, to: &out)
                } else {
                    out.append(1)
                    PackedIntegers.append(runs.map { Int64($0.count) }, to: &out)
                    PackedIntegers.append(runs.map { Self.value(bytes, $0) }, to: &out)
                }
            }
        }

        /// A decimal slot's fractions: `width u8` (the longest, 0 when no value has one), then,
        /// unless 0, each padded on the right to `width` digits as an integer (0: none).
        private static func appendFractions(_ fractions: [Range<Int>?], _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
            let width = fractions.reduce(0) { max($0, $1?.count ?? 0) }
            out.append(UInt8(width))
            guard width > 0 else { return }
            PackedIntegers.append(fractions.map { $0.map { value(bytes, $0) * powerOfTen(width - $0.count) } ?? 0 }, to: &out)
        }

        private static func powerOfTen(_ n: Int) -> Int64 {
            (0..<n).reduce(1) { p, _ in p * 10 }
        }

        /// The digits at `range` of `bytes` as an integer.
        private static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64 {
            bytes[range].reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }

        /// Reads a shape and rebuilds the `count` values; `startsWithSlot` requires a first token
        /// that is a slot (a signed shape, whose values' `-` comes before a digit).
        static func read(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget,
                         startsWithSlot: Bool = false, decimals: Bool = false,
                         signs: [Int64]? = nil) throws(FormatError) -> Values {
            let tokenCount = try LEB128.read(&reader)
            guard tokenCount <= UInt64(reader.remaining) else { throw PackedIntegers.failure("token count \(tokenCount) beyond the end", reader) }
            var tokens = [Token]()
            for _ in 0..<Int(tokenCount) {
                let token: Token
                switch try reader.u8() {
                case 0:
                    let length = try LEB128.read(&reader)
                    guard length >= 1, length <= UInt64(reader.remaining) else { throw PackedIntegers.failure("bad literal length", reader) }
                    let bytes = try reader.raw(Int(length))
                    guard !bytes.contains(where: TextColumn.isDigit) else { throw PackedIntegers.failure("digit in a literal", reader) }
                    token = .literal(bytes)
                case 1: token = .slot
                case let kind: throw PackedIntegers.failure("bad token kind \(kind)", reader)
                }
                if let last = tokens.last, (last == .slot) == (token == .slot) {
                    throw PackedIntegers.failure("two adjacent tokens of one kind", reader)
                }
                tokens.append(token)
            }
            if startsWithSlot, tokens.first != .slot { throw PackedIntegers.failure("a signed shape must start with a slot", reader) }
            var literalBytes = 0
            for token in tokens {
                if case .literal(let bytes) = token { literalBytes += bytes.count }
            }
            var slots = [SlotRuns]()
            var fractions = [FractionRuns]()
            for token in tokens where token == .slot {
                slots.append(try SlotRuns(count, from: &reader, budget: &budget))
                if decimals { fractions.append(try FractionRuns(count, from: &reader, budget: &budget)) }
            }
            // The values: every literal once each, and the slots' digits (spent as they were read).
            let (total, overflow) = count.multipliedReportingOverflow(by: literalBytes + 32)
            try budget.spend(overflow ? Int.max : total, reader)
            var values = Values(capacity: count, bytes: count * (literalBytes + 4 * slots.count))
            for i in 0..<count {
                if signs?[i] == 1 { values.bytes.append(UInt8(ascii: "-")) }
                var k = 0
                for token in tokens {
                    switch token {
                    case .literal(let bytes): values.bytes.append(contentsOf: bytes)
                    case .slot:
                        slots[k].append(i, to: &values.bytes)
                        if decimals { fractions[k].append(i, to: &values.bytes) }
                        k += 1
                    }
                }
                values.endValue()
            }
            return values
        }
    }

    /// The digit runs of one slot, read and checked, rendered into each value as it is built.
    struct SlotRuns {
        private var form: UInt8
        private var fractionWidth: Int
        private var widths: [Int64]
        private var values: [Int64]

        init(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) {
            form = try reader.u8()
            guard form <= 2 else { throw PackedIntegers.failure("bad slot form \(form)", reader) }
            fractionWidth = form == 2 ? Int(try reader.u8()) : 0
            guard form != 2 || (1...TextColumn.maximumSlotDigits).contains(fractionWidth) else {
                throw PackedIntegers.failure("bad fraction width \(fractionWidth)", reader)
            }
            widths = form == 1 ? try PackedIntegers.read(count, from: &reader, budget: &budget) : []
            values = try PackedIntegers.read(count, from: &reader, budget: &budget)
            try budget.spend(count * TextColumn.maximumSlotDigits, reader)
            for (i, v) in values.enumerated() {
                guard v >= 0, v < 1_000_000_000_000_000_000 else { throw PackedIntegers.failure("slot value out of range", reader) }
                let digits = TextColumn.digitCount(UInt64(v))
                if form == 2 {
                    guard v > 0, digits <= fractionWidth else { throw PackedIntegers.failure("bad fraction digits", reader) }
                } else if form == 1 {
                    guard widths[i] >= Int64(digits), widths[i] <= Int64(TextColumn.maximumSlotDigits) else {
                        throw PackedIntegers.failure("bad slot width \(widths[i])", reader)
                    }
                }
            }
        }

        /// The length of run `i`.
        func length(_ i: Int) -> Int {
            switch form {
            case 0: TextColumn.digitCount(UInt64(values[i]))
            case 1: Int(widths[i])
            default: fractionWidth - TextColumn.trailingZeros(values[i])
            }
        }

        /// Appends run `i`: its value in decimal, zero-padded to its width (form 1), or padded
        /// to the fraction width and without its trailing zeros (form 2).
        func append(_ i: Int, to out: inout [UInt8]) {
            let v = values[i]
            switch form {
            case 0: TextColumn.appendDigits(UInt64(v), width: TextColumn.digitCount(UInt64(v)), to: &out)
            case 1: TextColumn.appendDigits(UInt64(v), width: Int(widths[i]), to: &out)
            default: TextColumn.appendFraction(v, width: fractionWidth, to: &out)
            }
        }
    }

    /// The fractions of one decimal slot: `.` and the digits, trailing zeros dropped, or nothing.
    struct FractionRuns {
        private var width: Int
        private var values: [Int64]

        init(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) {
            width = Int(try reader.u8())
            guard width <= TextColumn.maximumSlotDigits else { throw PackedIntegers.failure("bad fraction width \(width)", reader) }
            values = width > 0 ? try PackedIntegers.read(count, from: &reader, budget: &budget) : []
            var limit: Int64 = 1
            for _ in 0..<width { limit *= 10 }
            guard values.allSatisfy({ $0 >= 0 && $0 < limit }) else { throw PackedIntegers.failure("fraction out of range", reader) }
            try budget.spend(count * (width + 1), reader)
        }

        func length(_ i: Int) -> Int {
            guard width > 0, values[i] > 0 else { return 0 }
            return 1 + width - TextColumn.trailingZeros(values[i])
        }

        func append(_ i: Int, to out: inout [UInt8]) {
            guard width > 0, values[i] > 0 else { return }
            out.append(UInt8(ascii: "."))
            TextColumn.appendFraction(values[i], width: width, to: &out)
        }
    }
}
