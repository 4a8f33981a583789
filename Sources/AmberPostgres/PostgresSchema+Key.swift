import AmberCrypto
import AmberDocuments

/// How rows of a table become keyed documents.
///
/// - A table with a primary key is keyed by the primary-key columns in key order:
///   `.composite([v₁, v₂, …])`, each `.integer` when the column is `smallint`, `integer` or
///   `bigint` (so keys sort numerically) and otherwise `.text` holding the value's canonical text.
/// - A table without one is keyed by row content: `.composite([v₁, …, vₖ, .integer(n)])`, the
///   row's values in column order followed by `n`, the number of identical rows before it
///   (duplicates are kept). A row whose values would make a key longer than
///   ``contentKeyLimit`` bytes is keyed `.composite([.blob(h), .integer(n)])` instead, `h` the
///   first 16 bytes of the SHA-256 of its ``DatabaseRow/encoded`` bytes and `n` counting the rows
///   with the same `h` before it. Values in the key compress with the row beside it, where a
///   hash would not (16 incompressible bytes per row of an append-only log), and a diff shows
///   them. Such a table is read whole into memory to be sorted, and a source warns about it.
extension PostgresSchema.Table {
    /// The columns a row carries, in table order: all but generated ones.
    public var rowColumns: [PostgresSchema.Column] { columns.filter { $0.generated == nil } }

    /// The positions of the primary-key columns within ``rowColumns``.
    var keyOffsets: [Int] {
        let names = rowColumns.map(\.name)
        return primaryKey.compactMap { names.firstIndex(of: $0) }
    }

    /// Whether each primary-key column is keyed as an integer (`int2`, `int4`, `int8`).
    var integerKeys: [Bool] {
        primaryKey.map { name in
            let oid = columns.first { $0.name == name }?.typeOID
            return oid == 20 || oid == 21 || oid == 23
        }
    }

    /// Makes the encoded key (``DocumentKey/encoded``) of a row (which has ``rowColumns``) of a table with a primary key, encoded by
    /// ``COPYText/encodeRow(_:layout:fields:)``, from the positions of its values; the key
    /// columns' positions are worked out once, for use on every row of the table.
    ///
    /// - Throws: ``PGError/Code/rowMismatch`` for a NULL or a non-integer text in an integer key.
    func encodedKeyMaker() -> (_ row: [UInt8], _ fields: [Range<Int>?]) throws(PGError) -> [UInt8] {
        let columns = Array(zip(keyOffsets, integerKeys))
        let name = qualifiedName
        // The composite encoding (``DocumentKey/encoded``) written straight from the row's bytes:
        // no key value or array per row besides the key's own.
        return { (row: [UInt8], fields: [Range<Int>?]) throws(PGError) -> [UInt8] in
            var capacity = 2
            for (offset, isInteger) in columns { capacity += isInteger ? 9 : 2 * (fields[offset]?.count ?? 0) + 3 }
            var key = [UInt8]()
            key.reserveCapacity(capacity)
            key.append(0x03)
            for (offset, isInteger) in columns {
                guard let range = fields[offset] else {
                    throw PGError(code: .rowMismatch, message: "NULL in the primary key", table: name)
                }
                if isInteger {
                    guard let number = Self.integer(row[range]) else {
                        throw PGError(code: .rowMismatch, message: "a primary-key value is not an integer", table: name)
                    }
                    DocumentKey.appendCompositeValue(.integer(number), to: &key)
                } else {
                    DocumentKey.appendCompositeBytes(row[range], blob: false, to: &key)
                }
            }
            key.append(0x00)
            return key
        }
    }

    /// A decimal integer as an integer column's output function writes it (an optional minus
    /// sign, then digits), or `nil`.
    static func integer(_ text: ArraySlice<UInt8>) -> Int64? {
        var index = text.startIndex
        let negative = index < text.endIndex && text[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < text.endIndex else { return nil }
        var value: Int64 = 0
        while index < text.endIndex {
            let digit = Int64(text[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// The order of `COPY (SELECT …)` that yields ascending keys: integer key columns by value,
    /// others by their output text (`format('%s', c)`, which calls the type's output function)
    /// in the "C" collation, i.e. by bytes, which is how ``DocumentKey`` orders text.
    var keyOrderSQL: String {
        zip(primaryKey, integerKeys).map { name, isInteger in
            isInteger ? SQL.quote(name) : "pg_catalog.format('%s', \(SQL.quote(name))) COLLATE \"C\""
        }.joined(separator: ", ")
    }

    /// The longest key of values a row without a primary key gets; longer rows are keyed by hash.
    public static let contentKeyLimit = 1024

    /// Keys for the rows of a table without a primary key (see the type's discussion), sorted,
    /// each with the position of its row in `rows`.
    public static func contentKeys(_ rows: [DatabaseRow]) -> [(key: DocumentKey, position: Int)] {
        var keyed = rows.enumerated().map { position, row -> (base: [DatabaseValue], encoded: [UInt8], position: Int) in
            let values = row.columns.map(\.value)
            let encoded = DocumentKey.composite(values).encoded
            if encoded.count < contentKeyLimit - 10 { return (values, encoded, position) }
            let hash: [DatabaseValue] = [.blob(Array(SHA256.hash(row.encoded).prefix(16)))]
            return (hash, DocumentKey.composite(hash).encoded, position)
        }
        keyed.sort { $0.encoded.lexicographicallyPrecedes($1.encoded) }
        var result = [(key: DocumentKey, position: Int)]()
        result.reserveCapacity(keyed.count)
        var ordinal: Int64 = 0
        for (index, entry) in keyed.enumerated() {
            ordinal = index > 0 && keyed[index - 1].encoded == entry.encoded ? ordinal + 1 : 0
            result.append((.composite(entry.base + [.integer(ordinal)]), entry.position))
        }
        return result
    }
}
