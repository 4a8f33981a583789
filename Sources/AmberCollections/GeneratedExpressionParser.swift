/// Reads a ``GeneratedExpression`` from tokens by precedence climbing, checking each operand's
/// kind as it goes (``GeneratedExpression/Kind``): what it cannot read or type is
/// ``GeneratedExpression/Unmappable``, with the reason.
struct GeneratedExpressionParser {
    typealias Expression = GeneratedExpression
    typealias Kind = GeneratedExpression.Kind
    typealias Unmappable = GeneratedExpression.Unmappable

    let tokens: [SQLToken]
    let dialect: GeneratedExpression.Dialect
    let columns: [(name: String, kind: Kind?)]
    var position = 0

    init(tokens: [SQLToken], dialect: GeneratedExpression.Dialect, columns: [(name: String, kind: Kind?)]) {
        self.tokens = tokens
        self.dialect = dialect
        self.columns = columns
    }

    /// The whole expression with its kind; every token must be part of it.
    mutating func parseTyped() throws(Unmappable) -> (Expression, Kind) {
        let result = try binary(minimum: 1)
        guard position == tokens.count else { throw Unmappable("\(describe(tokens[position])) is not supported") }
        return result
    }

    private var next: SQLToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func expect(_ symbol: Character) throws(Unmappable) {
        guard next == .symbol(symbol) else { throw Unmappable("expected \(symbol)") }
        position += 1
    }

    /// The binary operator at the current position (`||` is two tokens).
    private var nextOperator: String? {
        guard case .symbol(let c)? = next else { return nil }
        if c == "|" { return position + 1 < tokens.count && tokens[position + 1] == .symbol("|") ? "||" : nil }
        return "+-*/%".contains(c) ? String(c) : nil
    }

    private mutating func binary(minimum: Int) throws(Unmappable) -> (Expression, Kind) {
        var (lhs, lhsKind) = try unary()
        while let op = nextOperator, let precedence = dialect.precedence(op), precedence >= minimum {
            position += op.count
            let (rhs, rhsKind) = try binary(minimum: precedence + 1)
            let kind = try Self.kind(of: op, lhsKind, rhsKind)
            lhs = .binary(op, lhs, rhs)
            lhsKind = kind
        }
        return (lhs, lhsKind)
    }

    /// The kind of `lhs op rhs`, if both engines compute it alike.
    static func kind(of op: String, _ lhs: Kind, _ rhs: Kind) throws(Unmappable) -> Kind {
        switch (op, lhs, rhs) {
        case ("||", .text, .text): return .text
        case ("||", _, _): throw Unmappable("|| of a number (cast it to text explicitly)")
        case (_, .text, _), (_, _, .text): throw Unmappable("\(op) of text")
        case ("%", .integer, .integer): return .integer
        case ("%", _, _): throw Unmappable("% of a real")
        case (_, .integer, .integer): return .integer
        default: return .real
        }
    }

    private mutating func unary() throws(Unmappable) -> (Expression, Kind) {
        if next == .symbol("-") {
            position += 1
            let (operand, kind) = try unary()
            guard kind != .text else { throw Unmappable("- of text") }
            if case .integer(let value) = operand, value != .min { return (.integer(-value), kind) }
            return (.negate(operand), kind)
        }
        if next == .symbol("+") { position += 1; return try unary() }
        var result = try primary()
        while dialect == .postgres, next == .symbol(":"), position + 1 < tokens.count, tokens[position + 1] == .symbol(":") {
            position += 2
            result = try cast(result, to: typeName())
        }
        return result
    }

    private mutating func primary() throws(Unmappable) -> (Expression, Kind) {
        guard let token = next else { throw Unmappable("the expression ends early") }
        position += 1
        switch token {
        case .symbol("("):
            let inner = try binary(minimum: 1)
            try expect(")")
            return inner
        case .string(let text):
            return (.text(text), .text)
        case .word(let word) where word.first?.isASCIIDigit == true:
            guard word.allSatisfy(\.isASCIIDigit), let value = Int64(word) else { throw Unmappable("the number \(word) (only integers)") }
            return (.integer(value), .integer)
        case .word(let word) where next == .symbol("(") && word.uppercased() == "CAST":
            position += 1
            let operand = try binary(minimum: 1)
            guard case .word(let a)? = next, a.uppercased() == "AS" else { throw Unmappable("expected AS in CAST") }
            position += 1
            let type = try typeName()
            try expect(")")
            return try cast(operand, to: type)
        case .word(let word) where next == .symbol("("):
            return try function(word.lowercased())
        case .word, .quoted:
            return try column(token)
        default:
            throw Unmappable("\(describe(token)) is not supported")
        }
    }

    private mutating func function(_ name: String) throws(Unmappable) -> (Expression, Kind) {
        guard GeneratedExpression.functions.contains(name) else { throw Unmappable("the function \(name)") }
        try expect("(")
        var arguments = [(Expression, Kind)]()
        repeat {
            if !arguments.isEmpty { try expect(",") }
            arguments.append(try binary(minimum: 1))
        } while next == .symbol(",")
        try expect(")")
        let kinds = arguments.map(\.1)
        switch name {
        case "abs" where kinds == [.integer] || kinds == [.real]: return (.function(name, arguments.map(\.0)), kinds[0])
        case "length" where kinds == [.text]: return (.function(name, arguments.map(\.0)), .integer)
        case "coalesce" where kinds.count >= 2 && Set(kinds.map { "\($0)" }).count == 1:
            return (.function(name, arguments.map(\.0)), kinds[0])
        default: throw Unmappable("\(name) of these arguments")
        }
    }

    private func column(_ token: SQLToken) throws(Unmappable) -> (Expression, Kind) {
        guard let name = token.identifier else { throw Unmappable("\(describe(token)) is not supported") }
        // SQLite matches names in any case, PostgreSQL prints them folded or quoted.
        let found = columns.first { dialect == .sqlite ? $0.name.lowercased() == name.lowercased() : $0.name == name }
        guard let found else { throw Unmappable("\(name) is not a column of the table") }
        guard let kind = found.kind else { throw Unmappable("the column \(found.name) is generated, or of a type outside integer, real and text") }
        return (.column(found.name), kind)
    }

    /// A type name after `::` or `AS`, lowercased, words joined by a space.
    private mutating func typeName() throws(Unmappable) -> String {
        var words = [String]()
        while case .word(let word)? = next {
            words.append(word.lowercased())
            position += 1
        }
        guard !words.isEmpty, next != .symbol("("), next != .symbol("[") else { throw Unmappable("a cast to a type with modifiers") }
        return words.joined(separator: " ")
    }

    /// `operand::type` or `CAST(operand AS type)`: a string literal written as a typed constant
    /// (`'-1'::integer`, `' '::text`), or a cast both engines compute alike. SQLite's type names
    /// mean what their affinity says.
    private func cast(_ operand: (Expression, Kind), to type: String) throws(Unmappable) -> (Expression, Kind) {
        let target: Kind? = switch (dialect, type) {
        case (.sqlite, _): GeneratedColumns.kind(sqliteDeclaredType: type)
        case (.postgres, "text"), (.postgres, "character varying"), (.postgres, "varchar"): .text
        case (.postgres, "integer"), (.postgres, "bigint"), (.postgres, "smallint"), (.postgres, "int"),
             (.postgres, "int4"), (.postgres, "int8"), (.postgres, "int2"): .integer
        case (.postgres, "double precision"), (.postgres, "float8"): .real
        default: nil
        }
        guard let target else { throw Unmappable("a cast to \(type)") }
        switch (operand.0, operand.1, target) {
        case (.text, .text, .text): return operand
        case (.text(let text), .text, .integer):
            guard let value = Int64(text) else { throw Unmappable("the constant '\(text)'::\(type)") }
            return (.integer(value), .integer)
        case (_, .text, .text): return operand  // varchar → text
        case (_, .integer, .integer): return operand
        case (_, .integer, _): return (.cast(operand.0, target), target)
        default: throw Unmappable("a cast of \(operand.1) to \(type)")
        }
    }

    private func describe(_ token: SQLToken) -> String {
        switch token {
        case .word(let w): w
        case .quoted(let q): CrossSQL.quote(q)
        case .string(let s): CrossSQL.literal(s)
        case .symbol(let c): String(c)
        }
    }
}
