import AmberCore
import AmberDocuments

extension COPYText {
    /// What every encoded row of a table begins each column with, worked out once per table:
    /// the column count, then per column its name's length and bytes (``DatabaseRow``'s
    /// encoding, `format.md` §12.3), all in one buffer.
    public struct RowLayout: Sendable {
        /// The count and per column `nameLength varint ‖ name`.
        let columns: DatabaseRow.ColumnPrefixes
        /// The bytes a row adds to its values: the prefixes, and per column a type byte and a
        /// length varint of at most 10 bytes.
        let overhead: Int

        public init(names: [[UInt8]]) {
            columns = DatabaseRow.ColumnPrefixes(names: names)
            overhead = columns.bytes.count + 11 * names.count
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
        var values = 0
        var malformed = false
        // One pass over the line, written straight into the row: no closure per field (whose
        // captured arrays cost a retain and a release each), no copy of a field without escapes.
        let columns = layout.columns
        let row = columns.bytes.withUnsafeBufferPointer { prefixes in
            columns.ends.withUnsafeBufferPointer { ends in
                [UInt8](unsafeUninitializedCapacity: layout.overhead + line.count) { out, written in
                    let target = out.baseAddress!
                    var at = columns.countLength
                    target.initialize(from: prefixes.baseAddress!, count: at)
                    var index = 0
                    let count = line.count
                    while true {
                        var end = index
                        var escaped = false
                        while end < count {
                            let byte = line[end]
                            if byte == 0x09 { break }
                            if byte == 0x5C { escaped = true; break }
                            end += 1
                        }
                        if values < ends.count {
                            let prefixStart = values == 0 ? columns.countLength : ends[values - 1]
                            (target + at).initialize(from: prefixes.baseAddress! + prefixStart, count: ends[values] - prefixStart)
                            at += ends[values] - prefixStart
                        }
                        if escaped {
                            // The rare field with a backslash: unescaped apart, then written.
                            var field = [UInt8]()
                            var isNull = false
                            end = unescapeField(line, from: index, into: &field, isNull: &isNull, malformed: &malformed)
                            if malformed { break }
                            if values < ends.count {
                                if isNull {
                                    target[at] = 0x00
                                    at += 1
                                    fields.append(nil)
                                } else {
                                    at = writeText(field.withUnsafeBytes { $0 }, to: target, at: at, fields: &fields)
                                }
                            }
                        } else if values < ends.count {
                            at = writeText(UnsafeRawBufferPointer(rebasing: line[index..<end]), to: target, at: at, fields: &fields)
                        }
                        values += 1
                        if end >= count { break }
                        index = end + 1
                    }
                    written = at
                }
            }
        }
        if malformed { throw PGError(code: .copyFormat, message: "backslash at the end of a COPY line") }
        guard values == columns.ends.count else {
            throw PGError(code: .copyFormat, message: "a COPY line has \(values) values, expected \(columns.ends.count)")
        }
        return row
    }

    /// Writes a text value (`0x03 ‖ length varint ‖ bytes`) at `at`; returns where it ends.
    @inline(__always)
    private static func writeText(_ value: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>, at start: Int,
                                  fields: inout [Range<Int>?]) -> Int {
        var at = start
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
        if !value.isEmpty { UnsafeMutableRawPointer(out + at).copyMemory(from: value.baseAddress!, byteCount: value.count) }
        fields.append(at..<at + value.count)
        return at + value.count
    }

    /// Appends an encoded ``DatabaseRow`` (`format.md` §12.3) as one COPY line, without decoding
    /// it into values: text is escaped straight from the encoding. The row's column names must be
    /// `columns`, in order. Values of other types (rows from another engine) and key references,
    /// resolved against `key` (the row's encoded document key), go through ``append(_:to:)``.
    ///
    /// - Throws: ``PGError/Code/rowMismatch`` when the names differ, ``PGError/Code/copyFormat``
    ///   when the encoding is malformed.
    public static func appendEncodedRow(_ row: [UInt8], key: [UInt8], columns: [[UInt8]], to out: inout [UInt8]) throws(PGError) {
        try row.withUnsafeBufferPointer { row throws(PGError) in
            try key.withUnsafeBufferPointer { key throws(PGError) in try appendEncodedRow(row, key: key, columns: columns, to: &out) }
        }
    }

    /// ``appendEncodedRow(_:key:columns:to:)`` of a row and key lent (a restore's, read from a
    /// manifest without an array for each).
    public static func appendEncodedRow(_ row: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>, columns: [[UInt8]],
                                        to out: inout [UInt8]) throws(PGError) {
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
    private static func appendKeyValue(_ position: Int, of key: UnsafeBufferPointer<UInt8>, decoded keyValues: inout [DatabaseValue]?,
                                       to out: inout [UInt8]) throws(PGError) {
        do {
            if keyValues == nil { keyValues = try DatabaseRow.referencedValues(Array(key)) }
        } catch {
            throw PGError(code: .copyFormat, message: "an encoded row is damaged: \(error.reason)")
        }
        guard let keyValues, position < keyValues.count else {
            throw PGError(code: .copyFormat, message: "an encoded row refers to a key value its key does not have")
        }
        append(CollectionOfOne(keyValues[position]), to: &out)
    }

    /// Appends a value of another type (a row from another engine), decoded at `index`, and moves past it.
    private static func appendValue(_ row: UnsafeBufferPointer<UInt8>, at index: inout Int, to out: inout [UInt8]) throws(PGError) {
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
