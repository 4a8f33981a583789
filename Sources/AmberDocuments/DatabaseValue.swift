/// One value of a database column, with its exact storage class: SQLite's five (and, later,
/// the PostgreSQL types mapped onto them).
///
/// `==` is identity of the stored value: reals compare by bit pattern, so `-0.0 != 0.0` and a NaN
/// equals itself. (SQLite stores NaN as NULL, so a NaN never arrives from SQLite.)
public enum DatabaseValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    /// Text as the database holds it: usually UTF-8, but SQLite does not check, so any bytes.
    case text([UInt8])
    case blob([UInt8])

    /// A text value from a Swift string.
    public static func text(_ string: String) -> DatabaseValue { .text(Array(string.utf8)) }

    /// The storage class, in key order: null < integer < real < text < blob.
    public var storageClass: Int {
        switch self {
        case .null: 0
        case .integer: 1
        case .real: 2
        case .text: 3
        case .blob: 4
        }
    }

    public static func == (a: DatabaseValue, b: DatabaseValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.integer(let x), .integer(let y)): x == y
        case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern
        case (.text(let x), .text(let y)): x == y
        case (.blob(let x), .blob(let y)): x == y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storageClass)
        switch self {
        case .null: break
        case .integer(let v): hasher.combine(v)
        case .real(let v): hasher.combine(v.bitPattern)
        case .text(let v), .blob(let v): hasher.combine(v)
        }
    }

    /// The canonical JSON rendering (see ``json``).
    public var description: String { json.canonicalText }
}
