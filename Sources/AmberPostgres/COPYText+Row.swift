import AmberCore
import AmberDocuments

extension COPYText {
    /// What every encoded row of a table begins each column with, worked out once per table:
    /// the column count, then per column its name's length and bytes (``DatabaseRow``'s
    /// encoding, `format.md` §12.3), all in one buffer.
    public struct RowLayout: Sendable {
        /// `count varint`, then `nameLength varint ‖ name` per column.
        let prefixes: [UInt8]
        /// Where each column's prefix ends in ``prefixes`` (the first begins after the count).
        let ends: [Int]
        let countLength: Int
        /// The bytes a row adds to its values: the prefixes, and per column a type byte and a
        /// length varint of at most 10 bytes.
        let overhead: Int

        public init(names: [[UInt8]]) {
            var prefixes = [UInt8]()
            LEB128.append(UInt64(names.count), to: &prefixes)
            countLength = prefixes.count
            var ends = [Int]()
            for name in names {
                LEB128.append(UInt64(name.count), to: &prefixes)
                prefixes.append(contentsOf: name)
                ends.append(prefixes.count)
            }
            self.prefixes = prefixes
            self.ends = ends
            overhead = prefixes.count + 11 * names.count
        }
    }

    /// A COPY line as an encoded ``DatabaseRow`` whose columns are the layout's (every value
    /// text or null, as a PostgreSQL row is stored: `format.md` §12.3), without building the
    /// row: the same bytes as `DatabaseRow(…).encoded`, written in place into one array of the
    /// size needed (unescaping only shortens a value). `fields` receives, per column, where its
    /// text is in the result (`nil` for NULL).
    ///
    /// - Throws: ``PGError/Code/copyFormat`` for a line that is malformed or has another number of
    ///   values than the layout's columns.
    public static func encodeRow(_ line: UnsafeRawBufferPointer, layout: RowLayout,
                                 fields: inout [Range<Int>?]) throws(PGError) -> [UInt8] {
        fields.removeAll(keepingCapacity: true)
        let columns = layout.ends.count
        var column = 0
        var failure: PGError?
        let row = layout.prefixes.withUnsafeBufferPointer { prefixes in
            [UInt8](unsafeUninitializedCapacity: layout.overhead + line.count) { out, written in
                var at = layout.countLength
                var start = 0
                _ = UnsafeMutableBufferPointer(rebasing: out[0..<at]).initialize(from: prefixes[0..<at])
                do throws(PGError) {
                    try forEachField(line) { value in
                        defer { column += 1 }
                        guard column < columns else { return }
                        let prefixStart = column == 0 ? layout.countLength : layout.ends[column - 1]
                        let prefix = prefixes[prefixStart..<layout.ends[column]]
                        _ = UnsafeMutableBufferPointer(rebasing: out[at..<at + prefix.count]).initialize(from: prefix)
                        at += prefix.count
                        guard let value else {
                            out[at] = 0x00
                            at += 1
                            fields.append(nil)
                            return
                        }
                        out[at] = 0x03
                        at += 1
                        var length = value.count
                        while length >= 0x80 {
                            out[at] = UInt8(truncatingIfNeeded: length) | 0x80
                            at += 1
                            length >>= 7
                        }
                        out[at] = UInt8(length)
                        at += 1
                        start = at
                        if !value.isEmpty {
                            (out.baseAddress! + at).initialize(from: value.baseAddress!.assumingMemoryBound(to: UInt8.self), count: value.count)
                        }
                        at += value.count
                        fields.append(start..<at)
                    }
                } catch {
                    failure = error
                }
                written = at
            }
        }
        if let failure { throw failure }
        guard column == columns else {
            throw PGError(code: .copyFormat, message: "a COPY line has \(column) values, expected \(columns)")
        }
        return row
    }

    /// Appends an encoded ``DatabaseRow`` (`format.md` §12.3) as one COPY line, without decoding
    /// it into values: text is escaped straight from the encoding. The row's column names must be
    /// `columns`, in order. Values of other types (rows from another engine) and key references,
    /// resolved against `key` (the row's encoded document key), go through ``append(_:to:)``.
    ///
    /// - Throws: ``PGError/Code/rowMismatch`` when the names differ, ``PGError/Code/copyFormat``
    ///   when the encoding is malformed.
    public static func appendEncodedRow(_ row: [UInt8], key: [UInt8], columns: [[UInt8]], to out: inout [UInt8]) throws(PGError) {
        var index = 0
        var keyValues: [DatabaseValue]?
        // A local reader rather than ByteReader and LEB128.read: those cross-module calls made
        // a pgbench -s 10 restore about 6% slower (3.33–3.49 s against 3.59–3.70 s), and the
        // bytes were authenticated when their blob was opened.
        func varint() throws(PGError) -> Int {
            var value = 0, shift = 0
            while index < row.count, shift < 63 {
                let byte = row[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw PGError(code: .copyFormat, message: "an encoded row is damaged")
        }
        guard try varint() == columns.count else {
            throw PGError(code: .rowMismatch, message: "the row's columns are not the table's")
        }
        for (position, name) in columns.enumerated() {
            let length = try varint()
            guard length <= row.count - index, row[index..<index + length].elementsEqual(name) else {
                throw PGError(code: .rowMismatch, message: "the row's columns are not the table's")
            }
            index += length
            if position > 0 { out.append(0x09) }
            guard index < row.count else { throw PGError(code: .copyFormat, message: "an encoded row is damaged") }
            switch row[index] {
            case 0x00:
                index += 1
                out.append(0x5C)
                out.append(UInt8(ascii: "N"))
            case 0x03:
                index += 1
                let count = try varint()
                guard count <= row.count - index else { throw PGError(code: .copyFormat, message: "an encoded row is damaged") }
                appendEscaped(row[index..<index + count], to: &out)
                index += count
            case DatabaseRow.keyReference:
                index += 1
                try appendKeyValue(position, of: key, decoded: &keyValues, to: &out)
            default:
                try appendValue(row, at: &index, to: &out)
            }
        }
        guard index == row.count else { throw PGError(code: .copyFormat, message: "an encoded row has trailing bytes") }
    }

    /// Appends the value at `position` of the row's key (decoded into `keyValues` on first use).
    private static func appendKeyValue(_ position: Int, of key: [UInt8], decoded keyValues: inout [DatabaseValue]?,
                                       to out: inout [UInt8]) throws(PGError) {
        do {
            if keyValues == nil { keyValues = try DatabaseRow.referencedValues(key) }
        } catch {
            throw PGError(code: .copyFormat, message: "an encoded row is damaged: \(error.reason)")
        }
        guard let keyValues, position < keyValues.count else {
            throw PGError(code: .copyFormat, message: "an encoded row refers to a key value its key does not have")
        }
        append(CollectionOfOne(keyValues[position]), to: &out)
    }

    /// Appends a value of another type (a row from another engine), decoded at `index`, and moves past it.
    private static func appendValue(_ row: [UInt8], at index: inout Int, to out: inout [UInt8]) throws(PGError) {
        var reader = ByteReader(Array(row[index...]), context: "database row")
        let value: DatabaseValue
        do {
            value = try DatabaseValue(from: &reader)
        } catch {
            throw PGError(code: .copyFormat, message: "an encoded row is damaged: \(error.reason)")
        }
        index += reader.offset
        append(CollectionOfOne(value), to: &out)
    }
}
