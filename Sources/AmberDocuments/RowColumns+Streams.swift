import AmberCore

extension RowColumns {
    /// One column being encoded, already split into the streams of its encoding (``RowColumns``
    /// `Column(n)`), each in entry order: the texts and the blobs each copied into one array
    /// (``TextColumn/Values``), so that no value is an array or a slice of its own.
    struct ColumnStreams {
        var types = [UInt8]()
        var integers = [Int64]()
        /// The reals' IEEE-754 bits, little-endian, as they are written.
        var reals = [UInt8]()
        var texts = TextColumn.Values(capacity: 0, bytes: 0)
        var blobs = TextColumn.Values(capacity: 0, bytes: 0)

        init(capacity: Int) {
            types.reserveCapacity(capacity)
        }

        /// Appends a value (a key's).
        mutating func append(_ value: DatabaseValue) {
            types.append(UInt8(value.storageClass))
            switch value {
            case .null: break
            case .integer(let v): integers.append(v)
            case .real(let v): appendReal(v.bitPattern)
            case .text(let bytes): texts.append(bytes)
            case .blob(let bytes): blobs.append(bytes)
            }
        }

        /// Reads a row's value (``DatabaseValue`` binary encoding, or a key reference) and
        /// appends it, refusing what ``DatabaseValue/init(from:)`` refuses.
        mutating func appendEncoded(from reader: inout ByteReader) throws(FormatError) {
            let type = try reader.u8()
            switch type {
            case 0x00: break
            case 0x01: integers.append(try LEB128.readSigned(&reader))
            case 0x02: appendReal(try reader.u64())
            case 0x03, 0x04:
                let length = try LEB128.read(&reader)
                guard length <= UInt64(reader.remaining) else {
                    throw FormatError(context: reader.context, reason: "length \(length) beyond the end at offset \(reader.offset)")
                }
                if type == 0x03 { try texts.append(Int(length), from: &reader) } else { try blobs.append(Int(length), from: &reader) }
            case DatabaseRow.keyReference: break
            default:
                throw FormatError(context: reader.context, reason: "unknown value type 0x\(Hex.encode([type])) at offset \(reader.offset - 1)")
            }
            types.append(type)
        }

        private mutating func appendReal(_ bits: UInt64) {
            withUnsafeBytes(of: bits.littleEndian) { reals.append(contentsOf: $0) }
        }

        /// Whether the column at `reader` is this one, read as ``DecodedColumn`` reads it (the
        /// same streams, checks and budget), leaving `reader` after it.
        func readsBack(from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) -> Bool {
            guard try reader.next(types.count, equal: types) else { return false }
            try budget.spend(types.count * 16, reader)
            var tally = [Int](repeating: 0, count: 6)
            for type in types where type < 6 { tally[Int(type)] += 1 }
            guard tally[1] == integers.count, tally[2] * 8 == reals.count, tally[3] == texts.count, tally[4] == blobs.count,
                  try PackedIntegers.read(tally[1], from: &reader, budget: &budget) == integers,
                  try reader.next(reals.count, equal: reals) else { return false }
            guard try TextColumn.readValues(texts.count, from: &reader, budget: &budget) == texts else { return false }
            return try TextColumn.readValues(blobs.count, from: &reader, budget: &budget) == blobs
        }

        /// Appends the column: `types ‖ Integers ‖ reals ‖ Texts (texts) ‖ Texts (blobs)`.
        func write(to out: inout [UInt8]) {
            out.append(contentsOf: types)
            PackedIntegers.append(integers, to: &out)
            out.append(contentsOf: reals)
            TextColumn.append(texts, to: &out)
            TextColumn.append(blobs, to: &out)
        }
    }
}

extension RowColumns {
    /// One column read back (``RowColumns`` `Column(n)`): its types, its streams, and where each
    /// value is in its stream, so that keys and rows are rebuilt from it without a value or an
    /// array for each entry. (A class: a column is used for every entry, and a struct of six
    /// arrays would be copied, six retains and releases, each time.)
    final class DecodedColumn {
        private let types: [UInt8]
        /// The position of each value in the stream of its type.
        private let positions: [Int]
        private let integers: [Int64]
        private let reals: [UInt64]
        private let texts: TextColumn.Values
        private let blobs: TextColumn.Values

        /// Reads a column of `count` values; `references` allows key references (row columns).
        init(_ count: Int, references: Bool, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) {
            let types = try reader.raw(count)
            try budget.spend(count * 16, reader)
            var tally = [Int](repeating: 0, count: 6)
            var positions = [Int]()
            positions.reserveCapacity(count)
            for type in types {
                guard type < 5 || (type == DatabaseRow.keyReference && references) else {
                    throw PackedIntegers.failure("bad value type 0x\(Hex.encode([type]))", reader)
                }
                positions.append(tally[Int(type)])
                tally[Int(type)] += 1
            }
            self.types = types
            self.positions = positions
            integers = try PackedIntegers.read(tally[1], from: &reader, budget: &budget)
            var reals = [UInt64]()
            for _ in 0..<tally[2] { reals.append(try reader.u64()) }
            self.reals = reals
            texts = try TextColumn.readValues(tally[3], from: &reader, budget: &budget)
            blobs = try TextColumn.readValues(tally[4], from: &reader, budget: &budget)
        }

        /// Value `i`, unless it is a text or a blob (or a key reference: nil).
        private func scalar(_ i: Int) -> DatabaseValue? {
            switch types[i] {
            case 0: .null
            case 1: .integer(integers[positions[i]])
            case 2: .real(Double(bitPattern: reals[positions[i]]))
            default: nil
            }
        }

        /// Appends value `i` as a value of a composite key's encoding.
        func appendKeyValue(_ i: Int, to key: inout [UInt8]) {
            switch types[i] {
            case 3: DocumentKey.appendCompositeBytes(texts[positions[i]], blob: false, to: &key)
            case 4: DocumentKey.appendCompositeBytes(blobs[positions[i]], blob: true, to: &key)
            default: if let value = scalar(i) { DocumentKey.appendCompositeValue(value, to: &key) }
            }
        }

        /// Appends value `i` as a row's value (``DatabaseValue`` binary encoding, or a key reference).
        func appendRowValue(_ i: Int, to row: inout [UInt8]) {
            switch types[i] {
            case 3: texts.withValue(positions[i]) { DatabaseValue.encodeBytes($0, type: 3, to: &row) }
            case 4: blobs.withValue(positions[i]) { DatabaseValue.encodeBytes($0, type: 4, to: &row) }
            case DatabaseRow.keyReference: row.append(DatabaseRow.keyReference)
            default: scalar(i)?.encode(to: &row)
            }
        }
    }
}
