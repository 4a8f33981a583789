extension RowColumns {
    /// Splits the most common rows fast: rows whose values are all text or null (every row read
    /// from PostgreSQL) and whose varints take at most two bytes. Each row is checked against the
    /// bytes every such row of the leaf begins its columns with (its column count, then per
    /// column the name's length and the name), through buffer pointers, and its values are
    /// appended only once the whole row has been read. Any other row is left to the general
    /// parse (``RowColumns/split(_:)``), which accepts or refuses it exactly as before: this path
    /// accepts only what that parse accepts (minimal varints, no trailing bytes).
    struct PlainRows {
        private let prefixes: DatabaseRow.ColumnPrefixes
        /// Per column, the value's start in the row and its length, or -1 for null.
        private var found: [(start: Int, length: Int)]

        init(names: [[UInt8]]) {
            prefixes = DatabaseRow.ColumnPrefixes(names: names)
            found = Array(repeating: (0, 0), count: names.count)
        }

        /// Appends the row's values to `columns` (one per column) and returns true, or returns
        /// false and appends nothing when the row is not plain or not of these columns.
        mutating func append(_ row: [UInt8], to columns: inout [ColumnStreams]) -> Bool {
            guard read(row) else { return false }
            row.withUnsafeBufferPointer { bytes in
                for (column, value) in found.enumerated() {
                    if value.length < 0 {
                        columns[column].types.append(0x00)
                    } else {
                        columns[column].types.append(0x03)
                        columns[column].texts.append(UnsafeBufferPointer(rebasing: bytes[value.start..<value.start + value.length]))
                    }
                }
            }
            return true
        }

        /// Whether `length` bytes of `a` from `i` equal those of `b` from `j` (names of a few bytes).
        @inline(__always)
        private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int,
                                  _ length: Int) -> Bool {
            for k in 0..<length where a[i + k] != b[j + k] { return false }
            return true
        }

        /// Reads the row into ``found``: false unless it is plain and of these columns.
        private mutating func read(_ row: [UInt8]) -> Bool {
            let countLength = prefixes.countLength
            return row.withUnsafeBufferPointer { bytes in
                prefixes.bytes.withUnsafeBufferPointer { names in
                    guard bytes.count >= countLength, Self.equal(bytes, 0, names, 0, countLength) else { return false }
                    var at = countLength
                    for column in found.indices {
                        let start = prefixes.start(of: column)
                        let length = prefixes.ends[column] - start
                        guard bytes.count - at > length, Self.equal(bytes, at, names, start, length) else { return false }
                        at += length
                        let type = bytes[at]
                        at += 1
                        if type == 0x00 {
                            found[column] = (0, -1)
                            continue
                        }
                        guard type == 0x03, at < bytes.count else { return false }
                        // A minimal varint of one or two bytes.
                        var valueLength = Int(bytes[at])
                        at += 1
                        if valueLength >= 0x80 {
                            guard at < bytes.count, bytes[at] != 0, bytes[at] < 0x80 else { return false }
                            valueLength = valueLength & 0x7F | Int(bytes[at]) << 7
                            at += 1
                        }
                        guard bytes.count - at >= valueLength else { return false }
                        found[column] = (at, valueLength)
                        at += valueLength
                    }
                    return at == bytes.count
                }
            }
        }
    }
}
