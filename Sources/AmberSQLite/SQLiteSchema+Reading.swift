import AmberDocuments

extension SQLiteSchema {
    /// Reads the schema of the `main` database of `database`, in whatever transaction it has
    /// open. Needs SQLite 3.37 or later (`pragma_table_list`).
    init(reading database: SQLiteDatabase) throws(SQLiteError) {
        self.init()
        var kinds = [String: (type: String, withoutRowID: Bool, strict: Bool)]()
        for row in try database.rows("SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'") {
            kinds[row[0].string] = (row[1].string, row[2].integerValue != 0, row[3].integerValue != 0)
        }
        let master = try database.rows("SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY rowid")
        var hasSequence = false
        for row in master {
            let (type, name, table, sql) = (row[0].string, row[1].string, row[2].string, row[3])
            if name.lowercased().hasPrefix("sqlite_") {
                if name == "sqlite_sequence" { hasSequence = true }
                continue
            }
            switch type {
            case "table":
                let kind = kinds[name]
                guard kind?.type == "table" else {
                    throw SQLiteError(code: .unsupported, message: "virtual tables (and their shadow tables) are not captured",
                                      path: database.path, table: name)
                }
                tables.append(Table(name: name, sql: sql.string, withoutRowID: kind?.withoutRowID ?? false,
                                    strict: kind?.strict ?? false, columns: try Self.columns(of: name, in: database)))
            case "index":
                guard case .text = sql else { continue }  // no SQL: an automatic index
                indexes.append(try Self.index(name, table: table, sql: sql.string, in: database))
            case "view": views.append(Object(name: name, table: table, sql: sql.string))
            case "trigger": triggers.append(Object(name: name, table: table, sql: sql.string))
            default: continue
            }
        }
        if hasSequence {
            for row in try database.rows("SELECT name, seq FROM main.sqlite_sequence ORDER BY rowid") {
                sequences.append(Sequence(table: row[0].string, value: row[1].integerValue))
            }
        }
        func pragma(_ name: String) throws(SQLiteError) -> DatabaseValue {
            try database.column("PRAGMA main.\(name)").first ?? .null
        }
        settings = Settings(userVersion: try pragma("user_version").integerValue,
                            applicationID: try pragma("application_id").integerValue,
                            encoding: try pragma("encoding").string, pageSize: try pragma("page_size").integerValue,
                            autoVacuum: try pragma("auto_vacuum").integerValue,
                            walMode: try pragma("journal_mode").string.lowercased() == "wal")
    }

    private static func columns(of table: String, in database: SQLiteDatabase) throws(SQLiteError) -> [Column] {
        let sql = "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid"
        return try database.rows(sql, [.text(table)]).map { row in
            Column(name: row[0].string, declaredType: row[1].string, notNull: row[2].integerValue != 0,
                   defaultValue: row[3] == .null ? nil : row[3].string, primaryKeyPosition: Int(row[4].integerValue),
                   generated: row[5].integerValue == 2 ? .virtual : row[5].integerValue == 3 ? .stored : nil)
        }
    }

    private static func index(_ name: String, table: String, sql: String, in database: SQLiteDatabase) throws(SQLiteError) -> Index {
        let flags = try database.rows("SELECT \"unique\", partial FROM pragma_index_list(?) WHERE name = ?", [.text(table), .text(name)])
        let terms = try database.rows("SELECT name, \"desc\", coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
                                      [.text(name)])
        let partial = flags.first.map { $0[1].integerValue != 0 } ?? false
        return Index(name: name, table: table, unique: flags.first.map { $0[0].integerValue != 0 } ?? false,
                     columns: terms.map { Index.Term(column: $0[0] == .null ? nil : $0[0].string, descending: $0[1].integerValue != 0,
                                                     collation: $0[2].string) },
                     partialWhere: partial ? SQLText.partialWhere(of: sql) : nil, sql: sql)
    }
}

extension DatabaseValue {
    /// Text as a Swift string (numbers as their SQL text); empty for NULL and blobs.
    var string: String {
        switch self {
        case .text(let bytes): String(decoding: bytes, as: UTF8.self)
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .null, .blob: ""
        }
    }

    /// An integer (reals truncated, text parsed); 0 otherwise.
    var integerValue: Int64 {
        switch self {
        case .integer(let v): v
        case .real(let v): Int64(exactly: v.rounded(.towardZero)) ?? 0
        case .text: Int64(string) ?? 0
        case .null, .blob: 0
        }
    }
}
