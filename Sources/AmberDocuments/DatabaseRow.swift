import AmberCore

/// One row of a table: its columns in table order, each a name and a ``DatabaseValue``.
public struct DatabaseRow: Sendable, Hashable {
    /// One column of a row.
    public struct Column: Sendable, Hashable {
        /// The column name's bytes (UTF-8 as the database declared it).
        public var name: [UInt8]
        public var value: DatabaseValue

        public init(name: [UInt8], value: DatabaseValue) {
            self.name = name
            self.value = value
        }

        public init(_ name: String, _ value: DatabaseValue) {
            self.init(name: Array(name.utf8), value: value)
        }
    }

    /// The columns, in table order.
    public var columns: [Column]

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// The JSON rendering: an object with one member per column, in column order (RFC 8785
    /// serialization then sorts them).
    public var json: JSONValue {
        .object(columns.map { JSONValue.Member(key: $0.name, value: $0.value.json) })
    }

    /// Reads a rendering back, columns in the object's member order.
    public init(json: JSONValue) throws(FormatError) {
        guard case .object(let members) = json else {
            throw FormatError(context: "database row JSON", reason: "a row must be an object")
        }
        var columns = [Column]()
        columns.reserveCapacity(members.count)
        for member in members { columns.append(Column(name: member.key, value: try DatabaseValue(json: member.value))) }
        self.columns = columns
    }

    /// The binary encoding (see ``DatabaseValue`` `encoded`): column count, then name and value pairs.
    public var encoded: [UInt8] { encoded(sharingValuesWith: nil) }

    /// The type byte of a key reference: the value is the document key's value at the column's
    /// position (`format.md` §12.3).
    public static let keyReference: UInt8 = 0x05

    /// The binary encoding, with every value that equals the value at the same position of `key`
    /// (a composite document key) written as a key reference instead: decoding needs the key
    /// (``init(encoded:key:namesLike:)``). Reals are never referenced, so `-0.0` and NaN payloads
    /// stay exact.
    public func encoded(sharingValuesWith key: DocumentKey?) -> [UInt8] {
        var shared: [DatabaseValue] = []
        if case .composite(let values)? = key { shared = values }
        var out = [UInt8]()
        // One allocation: names and values plus up to 12 bytes of lengths and tags per column.
        var capacity = 10
        for column in columns {
            capacity += column.name.count + 12
            switch column.value {
            case .text(let bytes), .blob(let bytes): capacity += bytes.count
            default: break
            }
        }
        out.reserveCapacity(capacity)
        LEB128.append(UInt64(columns.count), to: &out)
        for (position, column) in columns.enumerated() {
            LEB128.append(UInt64(column.name.count), to: &out)
            out.append(contentsOf: column.name)
            if position < shared.count, column.value.isExactlyEqual(to: shared[position]) {
                out.append(Self.keyReference)
            } else {
                column.value.encode(to: &out)
            }
        }
        return out
    }

    /// Decodes exactly one row that has no key references.
    public init(encoded bytes: [UInt8]) throws(FormatError) {
        try self.init(encoded: bytes, key: nil, namesLike: nil)
    }

    /// Decodes exactly one row.
    ///
    /// - Parameters:
    ///   - key: the encoded document key the row is stored under, for its key references (a row
    ///     that has some and no key, or a key that is not composite or too short, is an error).
    ///   - previous: a row decoded before, typically of the same table: column names equal
    ///     to its names at the same positions share their storage instead of being allocated again.
    public init(encoded bytes: [UInt8], key: [UInt8]?, namesLike previous: DatabaseRow? = nil) throws(FormatError) {
        var reader = try EncodedColumns(bytes)
        var columns = [Column]()
        columns.reserveCapacity(reader.count)
        let known = previous?.columns ?? []
        var keyValues: [DatabaseValue]?
        for position in 0..<reader.count {
            let (name, value) = try reader.next(nameLike: position < known.count ? known[position].name : nil)
            if let value {
                columns.append(Column(name: name, value: value))
                continue
            }
            if keyValues == nil { keyValues = try Self.referencedValues(key) }
            guard let keyValues, position < keyValues.count else {
                throw FormatError(context: "database row", reason: "column \(position) refers to a key value the key does not have")
            }
            columns.append(Column(name: name, value: keyValues[position]))
        }
        try reader.finish()
        self.columns = columns
    }

    /// Reads an encoded row a column at a time: ``count`` columns, each a name and a value (nil
    /// for a key reference), then ``finish()`` refuses trailing bytes.
    struct EncodedColumns {
        private var reader: ByteReader
        let count: Int

        init(_ bytes: [UInt8]) throws(FormatError) {
            reader = ByteReader(bytes, context: "database row")
            let count = try LEB128.read(&reader)
            guard count <= UInt64(reader.remaining) else { throw FormatError(context: "database row", reason: "column count \(count) too large") }
            self.count = Int(count)
        }

        /// The next column. A name equal to `nameLike` shares its storage instead of being
        /// allocated again.
        mutating func next(nameLike: [UInt8]?) throws(FormatError) -> (name: [UInt8], value: DatabaseValue?) {
            let length = try LEB128.read(&reader)
            guard length <= UInt64(reader.remaining) else { throw FormatError(context: "database row", reason: "name length \(length) too large") }
            let name = if let nameLike { try reader.raw(Int(length), reusing: nameLike) } else { try reader.raw(Int(length)) }
            if reader.remaining > 0, reader.bytes[reader.offset] == DatabaseRow.keyReference {
                _ = try reader.u8()
                return (name, nil)
            }
            return (name, try DatabaseValue(from: &reader))
        }

        /// Reads the next column's name: whether it is `name` (no allocation either way).
        mutating func nextName(is name: [UInt8]) throws(FormatError) -> Bool {
            let length = try LEB128.read(&reader)
            guard length <= UInt64(reader.remaining) else { throw FormatError(context: "database row", reason: "name length \(length) too large") }
            return try reader.next(Int(length), equal: name)
        }

        /// Reads the value of the column whose name ``nextName(is:)`` read into `streams`.
        mutating func nextValue(into streams: inout RowColumns.ColumnStreams) throws(FormatError) {
            try streams.appendEncoded(from: &reader)
        }

        func finish() throws(FormatError) { try reader.expectEnd() }
    }

    /// The values of a composite key that key references point at.
    public static func referencedValues(_ key: [UInt8]?) throws(FormatError) -> [DatabaseValue] {
        guard let key else { throw FormatError(context: "database row", reason: "the row refers to a document key it was not given") }
        guard case .composite(let values) = try DocumentKey(encoded: key) else {
            throw FormatError(context: "database row", reason: "the row refers to a document key that is not composite")
        }
        return values
    }
}

extension DatabaseValue {
    /// Equal with the same encoding: as `==`, except that reals are never equal (so a key
    /// reference never stands for a real, whose `-0.0` and NaN payloads `==` does not tell apart).
    func isExactlyEqual(to other: DatabaseValue) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.integer(let a), .integer(let b)): a == b
        case (.text(let a), .text(let b)), (.blob(let a), .blob(let b)): a == b
        default: false
        }
    }
}
