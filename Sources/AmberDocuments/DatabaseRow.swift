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
    public var encoded: [UInt8] {
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
        for column in columns {
            LEB128.append(UInt64(column.name.count), to: &out)
            out.append(contentsOf: column.name)
            column.value.encode(to: &out)
        }
        return out
    }

    /// Decodes exactly one row.
    public init(encoded bytes: [UInt8]) throws(FormatError) {
        try self.init(encoded: bytes, namesLike: nil)
    }

    /// Decodes exactly one row.
    ///
    /// - Parameter previous: a row decoded before, typically of the same table: column names equal
    ///   to its names at the same positions share their storage instead of being allocated again.
    public init(encoded bytes: [UInt8], namesLike previous: DatabaseRow?) throws(FormatError) {
        var reader = ByteReader(bytes, context: "database row")
        let count = try LEB128.read(&reader)
        guard count <= UInt64(reader.remaining) else { throw FormatError(context: "database row", reason: "column count \(count) too large") }
        var columns = [Column]()
        columns.reserveCapacity(Int(count))
        let known = previous?.columns ?? []
        for position in 0..<Int(count) {
            let length = try LEB128.read(&reader)
            guard length <= UInt64(reader.remaining) else { throw FormatError(context: "database row", reason: "name length \(length) too large") }
            let name = position < known.count ? try reader.raw(Int(length), reusing: known[position].name) : try reader.raw(Int(length))
            columns.append(Column(name: name, value: try DatabaseValue(from: &reader)))
        }
        try reader.expectEnd()
        self.columns = columns
    }
}
