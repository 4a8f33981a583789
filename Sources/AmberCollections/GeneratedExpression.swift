/// A generated column's expression in the small part of SQL that SQLite and PostgreSQL evaluate
/// alike (docs/cross-engine.md, "Generated columns"), parsed from one dialect and written in
/// the other, so that a cross-engine restore recreates the column instead of leaving it out.
///
/// The part: the table's own columns of *kind* integer, real or text, integer and string
/// literals, `+ - * /` on numbers, `%` on integers, `||` on text, unary minus, `abs`, `length`,
/// `coalesce`, and casts of integers to text, real or integer. Both engines give these the same
/// result on every value the mapped columns can hold (integer division truncates toward zero in
/// both; `||` and every operator give NULL on NULL). Not in it, because the engines differ:
/// decimal literals (`numeric` in PostgreSQL, `REAL` in SQLite), `lower`/`upper` (locale-aware in
/// PostgreSQL, ASCII-only in SQLite), `%` on reals, text from reals (printed differently),
/// `numeric`, `real` (float4), dates, and everything else. Each binary operation is written
/// parenthesized, as the precedence of `||` differs between the dialects.
indirect enum GeneratedExpression: Equatable {
    /// What a value is in both engines: SQLite's storage class, PostgreSQL's type family.
    enum Kind: Equatable {
        case integer, real, text
    }

    case column(String)
    case integer(Int64)
    case text(String)
    case negate(GeneratedExpression)
    case binary(String, GeneratedExpression, GeneratedExpression)
    case function(String, [GeneratedExpression])
    case cast(GeneratedExpression, Kind)

    /// The dialects read and written.
    enum Dialect {
        case sqlite, postgres

        /// Binding strength of the binary operators: SQLite binds `||` tighter than `*`,
        /// PostgreSQL looser than `+` (it is one of its "other" operators).
        func precedence(_ op: String) -> Int? {
            switch (self, op) {
            case (.sqlite, "||"): 3
            case (.postgres, "||"): 1
            case (.sqlite, "*"), (.sqlite, "/"), (.sqlite, "%"): 2
            case (.postgres, "*"), (.postgres, "/"), (.postgres, "%"): 3
            case (.sqlite, "+"), (.sqlite, "-"): 1
            case (.postgres, "+"), (.postgres, "-"): 2
            default: nil
            }
        }
    }

    static let functions: Set<String> = ["abs", "length", "coalesce"]

    /// The expression `text` (in `dialect`) of a table whose columns have the given kinds, and
    /// the kind of its value.
    ///
    /// - Throws: ``Unmappable``, saying what in it is outside the common part.
    ///
    /// - Parameter columns: the table's columns by name (PostgreSQL: exact; SQLite: any case) and
    ///   their kind, nil for a column of another type.
    static func parse(_ text: String, dialect: Dialect, columns: [(name: String, kind: Kind?)]) throws(Unmappable) -> (GeneratedExpression, Kind) {
        guard let tokens = SQLToken.tokens(text) else { throw Unmappable("an unclosed quote") }
        return try parse(tokens, dialect: dialect, columns: columns)
    }

    /// The expression of `tokens`; see ``parse(_:dialect:columns:)``.
    static func parse(_ tokens: [SQLToken], dialect: Dialect, columns: [(name: String, kind: Kind?)]) throws(Unmappable) -> (GeneratedExpression, Kind) {
        var parser = GeneratedExpressionParser(tokens: tokens, dialect: dialect, columns: columns)
        return try parser.parseTyped()
    }

    /// Why an expression stays out: what in it is outside the common part.
    struct Unmappable: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The expression in `dialect`, every column name quoted.
    func sql(_ dialect: Dialect) -> String {
        switch self {
        case .column(let name): return CrossSQL.quote(name)
        case .integer(let value): return value < 0 ? "(\(value))" : "\(value)"
        case .text(let value): return CrossSQL.literal(value)
        case .negate(let operand): return "(-\(operand.sql(dialect)))"
        case .binary(let op, let lhs, let rhs): return "(\(lhs.sql(dialect)) \(op) \(rhs.sql(dialect)))"
        case .function(let name, let arguments): return "\(name)(\(arguments.map { $0.sql(dialect) }.joined(separator: ", ")))"
        case .cast(let operand, let kind):
            let type = switch (dialect, kind) {
            case (.sqlite, .integer): "INTEGER"
            case (.sqlite, .real): "REAL"
            case (.sqlite, .text): "TEXT"
            case (.postgres, .integer): "bigint"
            case (.postgres, .real): "double precision"
            case (.postgres, .text): "text"
            }
            return "CAST(\(operand.sql(dialect)) AS \(type))"
        }
    }
}
