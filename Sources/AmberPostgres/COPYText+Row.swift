import AmberCore
import AmberDocuments

extension COPYText {
    /// Appends a COPY line to `out` as an encoded ``DatabaseRow`` whose columns are `names`
    /// (every value text or null, as a PostgreSQL row is stored: `format.md` §12.3), without
    /// building the row: the same bytes as `DatabaseRow(…).encoded`, one copy per value.
    /// `fields` receives, per column, where its text is in `out` (`nil` for NULL).
    ///
    /// - Throws: ``PGError/Code/copyFormat`` for a line that is malformed or has another number of
    ///   values than `names`.
    public static func encodeRow(_ line: UnsafeRawBufferPointer, names: [[UInt8]], into out: inout [UInt8],
                                 fields: inout [Range<Int>?]) throws(PGError) {
        fields.removeAll(keepingCapacity: true)
        LEB128.append(UInt64(names.count), to: &out)
        var column = 0
        try forEachField(line) { value in
            defer { column += 1 }
            guard column < names.count else { return }
            LEB128.append(UInt64(names[column].count), to: &out)
            out.append(contentsOf: names[column])
            guard let value else {
                out.append(0x00)
                fields.append(nil)
                return
            }
            out.append(0x03)
            LEB128.append(UInt64(value.count), to: &out)
            let start = out.count
            out.append(contentsOf: value)
            fields.append(start..<out.count)
        }
        guard column == names.count else {
            throw PGError(code: .copyFormat, message: "a COPY line has \(column) values, expected \(names.count)")
        }
    }
}
