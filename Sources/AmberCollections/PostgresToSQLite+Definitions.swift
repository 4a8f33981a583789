import AmberPostgres
import AmberSQLite

/// Translation of the simple PostgreSQL definitions that have a SQLite equivalent.
extension PostgresToSQLite {
    /// A column default as SQLite SQL, when it is a literal that means the same: NULL, a number
    /// (integer and floating-point columns), `true`/`false` (boolean), a string (text, varchar and
    /// enum columns, whose SQLite value is the same text), bytea hex. `nil` otherwise.
    static func defaultExpression(_ expression: String, _ column: PostgresSchema.Column) -> String? {
        let conversion = conversion(forTypeOID: column.typeOID)
        guard var tokens = SQLToken.tokens(expression) else { return nil }
        while tokens.first == .symbol("("), tokens.last == .symbol(")") { tokens = Array(tokens.dropFirst().dropLast()) }
        // Drop a trailing cast: 'x'::text, NULL::integer, 'a'::character varying(3) — only when
        // nothing but a type name follows it ('a'::text || 'b'::text is an expression).
        if let cast = tokens.indices.dropLast().first(where: { tokens[$0] == .symbol(":") && tokens[$0 + 1] == .symbol(":") }),
           tokens[(cast + 2)...].allSatisfy(\.isInTypeName) {
            tokens = Array(tokens[..<cast])
        }
        var text: String
        if tokens.count == 1, case .word(let word) = tokens[0] {
            if word.uppercased() == "NULL" { return "NULL" }
            if conversion == .fromBool, word == "true" || word == "false" { return word == "true" ? "1" : "0" }
            text = word
        } else if tokens.count == 2, tokens[0] == .symbol("-"), case .word(let word) = tokens[1] {
            text = "-" + word
        } else if tokens.count == 1, case .string(let string) = tokens[0] {
            if column.typeOID == 25 || column.typeOID == 1043 || column.typeOID == nil {
                return string.contains("\0") ? nil : CrossSQL.literal(string)
            }
            if conversion == .fromBytea, let blob = ValueConversion.unhex(Array(string.utf8)) {
                return "x'\(ValueConversion.hex(blob))'"
            }
            text = string
        } else {
            return nil
        }
        let (isNumber, isInteger) = CrossSQL.number(text)
        switch conversion {
        case .fromInteger where isInteger: return text
        case .fromReal where isNumber: return text
        default: return nil
        }
    }

    /// The columns of `UNIQUE (a, "B")`; `nil` for anything more (NULLS NOT DISTINCT, INCLUDE,
    /// DEFERRABLE, …).
    static func uniqueColumns(_ definition: String) -> [String]? {
        guard let tokens = SQLToken.tokens(definition), tokens.first == .word("UNIQUE") else { return nil }
        return columnList(tokens.dropFirst()).flatMap { terms in terms.allSatisfy { !$0.descending } ? terms.map(\.name) : nil }
    }

    /// `CREATE [UNIQUE] INDEX name ON schema.table USING btree (a, b DESC)` as a SQLite index on
    /// `table`; `nil` for anything more (other methods, expressions, operator classes,
    /// collations, NULLS FIRST/LAST, INCLUDE, WHERE).
    static func index(_ definition: String, name: String, table: String) -> SQLiteSchema.Index? {
        guard let all = SQLToken.tokens(definition), all.first == .word("CREATE") else { return nil }
        var tokens = all.dropFirst()
        let unique = tokens.first == .word("UNIQUE")
        if unique { tokens = tokens.dropFirst() }
        guard tokens.first == .word("INDEX"), tokens.dropFirst().first?.identifier != nil else { return nil }
        tokens = tokens.dropFirst(2)
        guard tokens.first == .word("ON") else { return nil }
        tokens = tokens.dropFirst()
        if tokens.first == .word("ONLY") { tokens = tokens.dropFirst() }
        // schema . table USING btree
        guard tokens.count > 5, tokens[tokens.startIndex + 1] == .symbol("."),
              tokens[tokens.startIndex + 3] == .word("USING"), tokens[tokens.startIndex + 4] == .word("btree") else { return nil }
        guard let terms = columnList(tokens.dropFirst(5)) else { return nil }
        let list = terms.map { CrossSQL.quote($0.name) + ($0.descending ? " DESC" : "") }.joined(separator: ", ")
        let sql = "CREATE \(unique ? "UNIQUE " : "")INDEX \(CrossSQL.quote(name)) ON \(CrossSQL.quote(table)) (\(list))"
        return SQLiteSchema.Index(name: name, table: table, unique: unique,
                                  columns: terms.map { SQLiteSchema.Index.Term(column: $0.name, descending: $0.descending, collation: "BINARY") },
                                  partialWhere: nil, sql: sql)
    }

    /// `( name [DESC], … )` and nothing after it.
    static func columnList(_ tokens: ArraySlice<SQLToken>) -> [(name: String, descending: Bool)]? {
        guard tokens.first == .symbol("("), tokens.last == .symbol(")") else { return nil }
        var terms = [(name: String, descending: Bool)]()
        for part in tokens.dropFirst().dropLast().split(separator: .symbol(","), omittingEmptySubsequences: false) {
            guard let name = part.first?.identifier else { return nil }
            if part.count == 1 {
                terms.append((name, false))
            } else if part.count == 2, part.last == .word("DESC") {
                terms.append((name, true))
            } else {
                return nil
            }
        }
        return terms.isEmpty ? nil : terms
    }
}
