import AmberCore

/// The columnar form of a leaf of database rows (`manifest-format.md` §N.7): the entries of a
/// run leaf — composite document keys, each with a ``DatabaseRow`` encoding or a tombstone — laid
/// out column by column, each column coded by its type (``PackedIntegers``, ``TextColumn``), so
/// that zstd sees one column's values together and numbers are stored as bits, not digits.
///
/// ```
/// RowColumns = keyArity varint ‖ columnCount varint ‖ (nameLength varint ‖ name) × columnCount
///            ‖ kinds[count] ‖ Column(count) × keyArity ‖ Column(rows) × columnCount
/// Column(n)  = types[n] ‖ Integers ‖ reals[8 × reals] ‖ Texts (texts) ‖ Texts (blobs)
/// ```
///
/// `kinds` holds `0x00` for a tombstone and `0x01` for a row; `rows` is the number of rows. Every
/// key is composite with `keyArity` values and every row has the columns named, in that order. A
/// column's `types` are ``DatabaseRow``'s type bytes (`0x00` null … `0x04` blob, and `0x05` key
/// reference in row columns only); the integers, reals (IEEE-754 bits, little-endian), texts and
/// blobs of the column follow, each stream in entry order. Entries are rebuilt exactly: a key is
/// the composite ``DocumentKey`` encoding of its values, a row the ``DatabaseRow`` encoding of
/// its names and values.
public enum RowColumns {
    /// One leaf entry: a key and its row, or nil for a tombstone.
    public struct Entry: Sendable, Equatable {
        public var key: [UInt8]
        public var row: [UInt8]?

        public init(key: [UInt8], row: [UInt8]?) {
            self.key = key
            self.row = row
        }
    }

    /// The columnar encoding of `entries`, or nil when they do not fit it: a key that is not
    /// composite or of another arity, a value that is not a row, rows with other columns. (The
    /// manifest node that holds it checks that it decodes back to the entries before storing it:
    /// ``encode(_:checkingWithin:)``.)
    public static func encode(_ entries: [Entry]) -> [UInt8]? {
        split(entries).map { write($0) }
    }

    /// The columnar encoding of `entries` as ``encode(_:)`` makes it, or nil when they do not fit
    /// it or when reading it back would not give them exactly, or would expand beyond
    /// `expansionLimit` (``decode(_:from:budget:each:)``'s budget).
    ///
    /// Reading back is checked stream by stream: the names, entry kinds and every column's types,
    /// integers, reals, texts and blobs decode to what was written. That is the whole of it
    /// because the parse that split the entries accepts canonical encodings only (minimal
    /// LEB128s, composite keys read to their end, rows without trailing bytes), and a reader
    /// rebuilds a canonical key or row from its column values: so equal streams give equal
    /// entries, without building each entry again to compare it.
    public static func encode(_ entries: [Entry], checkingWithin expansionLimit: Int) -> [UInt8]? {
        guard let parts = split(entries) else { return nil }
        let bytes = write(parts)
        // What a reader spends on each entry's key and row is at most their bytes and 64.
        let entryBytes = entries.reduce(0) { $0 + $1.key.count + ($1.row?.count ?? 0) + 64 }
        return parts.readsBack(bytes, expansionLimit: expansionLimit, entryBytes: entryBytes) ? bytes : nil
    }

    /// Entries split into the streams of their columns.
    struct Parts {
        var names: [[UInt8]]
        var kinds: [UInt8]
        var keyColumns: [ColumnStreams]
        var valueColumns: [ColumnStreams]

        /// Whether `bytes` (``RowColumns/write(_:)`` of these parts) reads back as them within
        /// `expansionLimit`, `entryBytes` being what rebuilding the entries spends.
        func readsBack(_ bytes: [UInt8], expansionLimit: Int, entryBytes: Int) -> Bool {
            var reader = ByteReader(bytes, context: "columnar leaf")
            var budget = ExpansionBudget(bytes: expansionLimit)
            do throws(FormatError) {
                guard try LEB128.read(&reader) == UInt64(keyColumns.count), try LEB128.read(&reader) == UInt64(names.count) else {
                    return false
                }
                for name in names {
                    guard try LEB128.read(&reader) == UInt64(name.count), try reader.next(name.count, equal: name) else { return false }
                }
                guard try reader.next(kinds.count, equal: kinds) else { return false }
                for column in keyColumns + valueColumns where !(try column.readsBack(from: &reader, budget: &budget)) { return false }
                guard reader.remaining == 0 else { return false }
                try budget.spend(entryBytes, reader)
                return true
            } catch {
                return false
            }
        }
    }

    /// `entries` split into columns, or nil when they do not fit the columnar form.
    /// `fastPaths`: false to parse every key and row the general way (tests compare the two).
    static func split(_ entries: [Entry], fastPaths: Bool = true) -> Parts? {
        guard let first = entries.first else { return nil }
        var arity = 0
        guard (try? DocumentKey.forEachCompositeValue(encoded: first.key, { _ in arity += 1 })) == true else { return nil }
        var keyColumns = [ColumnStreams](repeating: ColumnStreams(capacity: entries.count), count: arity)
        var names: [[UInt8]]? = nil
        var valueColumns = [ColumnStreams]()
        var kinds = [UInt8]()
        kinds.reserveCapacity(entries.count)
        var plainRows: PlainRows?
        for entry in entries {
            guard appendKey(entry.key, to: &keyColumns, fast: fastPaths) else { return nil }
            guard let bytes = entry.row else {
                kinds.append(0)
                continue
            }
            if names == nil {
                guard let rowNames = try? columnNames(bytes) else { return nil }
                names = rowNames
                plainRows = fastPaths ? PlainRows(names: rowNames) : nil
                valueColumns = Array(repeating: ColumnStreams(capacity: entries.count), count: rowNames.count)
            }
            if plainRows?.append(bytes, to: &valueColumns) != true {
                guard let names, (try? appendRow(bytes, names: names, to: &valueColumns)) == true else { return nil }
            }
            kinds.append(1)
        }
        return Parts(names: names ?? [], kinds: kinds, keyColumns: keyColumns, valueColumns: valueColumns)
    }

    /// The encoding of split entries.
    static func write(_ parts: Parts) -> [UInt8] {
        var out = [UInt8]()
        LEB128.append(UInt64(parts.keyColumns.count), to: &out)
        LEB128.append(UInt64(parts.names.count), to: &out)
        for name in parts.names {
            LEB128.append(UInt64(name.count), to: &out)
            out.append(contentsOf: name)
        }
        out.append(contentsOf: parts.kinds)
        for column in parts.keyColumns { column.write(to: &out) }
        for column in parts.valueColumns { column.write(to: &out) }
        return out
    }

    /// Appends the values of `key` to the key columns, one each: false when it is not a
    /// composite key with one value a column.
    private static func appendKey(_ key: [UInt8], to columns: inout [ColumnStreams], fast: Bool) -> Bool {
        // The usual key of a table, one integer (`0x03 0x02 u64 0x00`), without a value made.
        if fast, columns.count == 1, key.count == 11, key[0] == 0x03, key[1] == 0x02, key[10] == 0x00 {
            var stored: UInt64 = 0
            for i in 2..<10 { stored = stored << 8 | UInt64(key[i]) }
            columns[0].types.append(UInt8(DatabaseValue.integer(0).storageClass))
            columns[0].integers.append(Int64(bitPattern: stored ^ (1 << 63)))
            return true
        }
        var j = 0
        let composite = try? DocumentKey.forEachCompositeValue(encoded: key) { value in
            if j < columns.count { columns[j].append(value) }
            j += 1
        }
        return composite == true && j == columns.count
    }

    /// The column names of an encoded row.
    private static func columnNames(_ bytes: [UInt8]) throws(FormatError) -> [[UInt8]] {
        var reader = try DatabaseRow.EncodedColumns(bytes)
        var names = [[UInt8]]()
        names.reserveCapacity(reader.count)
        for _ in 0..<reader.count { names.append(try reader.next(nameLike: nil).name) }
        return names
    }

    /// Appends the values of a row to the value columns, one each: false when its columns are
    /// not `names`, in that order.
    private static func appendRow(_ bytes: [UInt8], names: [[UInt8]], to columns: inout [ColumnStreams]) throws(FormatError) -> Bool {
        var reader = try DatabaseRow.EncodedColumns(bytes)
        guard reader.count == names.count else { return false }
        for i in 0..<reader.count {
            guard try reader.nextName(is: names[i]) else { return false }
            try reader.nextValue(into: &columns[i])
        }
        try reader.finish()
        return true
    }

    /// Reads `count` entries, refusing to build more than `budget` allows (``ExpansionBudget``:
    /// every stream, key and row it makes).
    public static func decode(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) -> [Entry] {
        var entries = [Entry]()
        entries.reserveCapacity(count)
        try decode(count, from: &reader, budget: &budget) { key, row in entries.append(Entry(key: key, row: row)) }
        return entries
    }

    /// Reads `count` entries as ``decode(_:from:budget:)`` does, with the same checks and
    /// budget, handing each to `body` in order instead of building them all: its key, and its row
    /// or nil for a tombstone, are buffers that the next entry reuses (no arrays for each entry
    /// unless `body` keeps them).
    public static func decode(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget,
                              each body: (_ key: [UInt8], _ row: [UInt8]?) throws(FormatError) -> Void) throws(FormatError) {
        let keyArity = try smallCount(&reader, "key arity")
        let columnCount = try smallCount(&reader, "column count")
        var names = [[UInt8]]()
        for _ in 0..<columnCount { names.append(try reader.raw(try smallCount(&reader, "column name length"))) }
        let kinds = try reader.raw(count)
        guard kinds.allSatisfy({ $0 <= 1 }) else { throw PackedIntegers.failure("bad entry kind", reader) }
        let rowCount = kinds.count(where: { $0 == 1 })
        var keyColumns = [DecodedColumn]()
        for _ in 0..<keyArity { keyColumns.append(try DecodedColumn(count, references: false, from: &reader, budget: &budget)) }
        var valueColumns = [DecodedColumn]()
        for _ in 0..<columnCount { valueColumns.append(try DecodedColumn(rowCount, references: true, from: &reader, budget: &budget)) }
        // Every row begins with its column count and each column with its name's length and
        // name: those bytes are made once (``DatabaseRow/ColumnPrefixes``) and copied.
        let prefixes = DatabaseRow.ColumnPrefixes(names: names)
        var key = [UInt8](), row = [UInt8]()
        var r = 0
        for i in 0..<count {
            key.removeAll(keepingCapacity: true)
            key.append(0x03)
            for column in keyColumns { column.appendKeyValue(i, to: &key) }
            key.append(0x00)
            try budget.spend(key.count + 32, reader)
            guard kinds[i] == 1 else {
                try body(key, nil)
                continue
            }
            row.removeAll(keepingCapacity: true)
            prefixes.bytes.withUnsafeBufferPointer { names in
                row.append(contentsOf: UnsafeBufferPointer(rebasing: names[0..<prefixes.countLength]))
                for c in 0..<columnCount {
                    row.append(contentsOf: UnsafeBufferPointer(rebasing: names[prefixes.start(of: c)..<prefixes.ends[c]]))
                    valueColumns[c].appendRowValue(r, to: &row)
                }
            }
            // What the row's columns and its own 32 bytes cost, spent once for the row: the
            // budget only grows, so it runs out in a row exactly when it would column by column.
            try budget.spend(row.count - prefixes.countLength + 32, reader)
            r += 1
            try body(key, row)
        }
    }

    /// A LEB128 count or length that cannot exceed the bytes left.
    private static func smallCount(_ reader: inout ByteReader, _ what: String) throws(FormatError) -> Int {
        let n = try LEB128.read(&reader)
        guard n <= UInt64(reader.remaining) else { throw PackedIntegers.failure("\(what) \(n) beyond the end", reader) }
        return Int(n)
    }
}
