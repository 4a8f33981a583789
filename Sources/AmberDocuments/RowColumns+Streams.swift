import AmberCore

extension RowColumns {
    /// One column being encoded, already split into the streams of its encoding (``RowColumns``
    /// `Column(n)`), each in entry order: texts and blobs are slices of the arrays that hold
    /// them (the rows and keys being encoded), so that no value is copied or built on the way.
    struct ColumnStreams {
        var types = [UInt8]()
        var integers = [Int64]()
        /// The reals' IEEE-754 bits, little-endian, as they are written.
        var reals = [UInt8]()
        var texts = [ArraySlice<UInt8>]()
        var blobs = [ArraySlice<UInt8>]()

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
            case .text(let bytes): texts.append(bytes[...])
            case .blob(let bytes): blobs.append(bytes[...])
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
                let bytes = try reader.slice(Int(length))
                if type == 0x03 { texts.append(bytes) } else { blobs.append(bytes) }
            case DatabaseRow.keyReference: break
            default:
                throw FormatError(context: reader.context, reason: "unknown value type 0x\(Hex.encode([type])) at offset \(reader.offset - 1)")
            }
            types.append(type)
        }

        private mutating func appendReal(_ bits: UInt64) {
            withUnsafeBytes(of: bits.littleEndian) { reals.append(contentsOf: $0) }
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
