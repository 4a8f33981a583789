/// The structure of a SQLite database, as ``SQLiteSource`` captures it and ``SQLiteTarget``
/// recreates it: every object's `CREATE` SQL exactly as `sqlite_master` holds it, plus the
/// details a reader needs without parsing SQL.
///
/// Lists keep `sqlite_master` order (creation order), which is also the order a target creates
/// them in. Internal objects (`sqlite_%`) are left out except ``sequences``; `sqlite_stat*`
/// (ANALYZE statistics) is not captured. ``canonicalJSON`` is the stored form.
public struct SQLiteSchema: Codable, Sendable, Hashable {
    /// A table.
    public struct Table: Codable, Sendable, Hashable {
        public var name: String
        /// `CREATE TABLE` text from `sqlite_master`.
        public var sql: String
        /// Declared `WITHOUT ROWID`: keyed by its primary key, which it always has.
        public var withoutRowID: Bool
        /// Declared `STRICT`.
        public var strict: Bool
        /// Every column in declaration order, generated columns included.
        public var columns: [Column]

        public init(name: String, sql: String, withoutRowID: Bool, strict: Bool, columns: [Column]) {
            self.name = name
            self.sql = sql
            self.withoutRowID = withoutRowID
            self.strict = strict
            self.columns = columns
        }
    }

    /// A column of a table (`PRAGMA table_xinfo`).
    public struct Column: Codable, Sendable, Hashable {
        /// How a generated column is computed.
        public enum Generated: String, Codable, Sendable, Hashable {
            /// `GENERATED ALWAYS AS (…) VIRTUAL`: computed on read.
            case virtual
            /// `GENERATED ALWAYS AS (…) STORED`: computed on write.
            case stored
        }

        public var name: String
        /// The declared type as written (`"INTEGER"`, `"varchar(20)"`), empty if none.
        public var declaredType: String
        public var notNull: Bool
        /// The `DEFAULT` expression's SQL text, if any.
        public var defaultValue: String?
        /// 1-based position in the primary key; 0 when not part of it.
        public var primaryKeyPosition: Int
        /// Set for generated columns, which rows do not carry.
        public var generated: Generated?

        public init(name: String, declaredType: String, notNull: Bool, defaultValue: String?, primaryKeyPosition: Int,
                    generated: Generated? = nil) {
            self.name = name
            self.declaredType = declaredType
            self.notNull = notNull
            self.defaultValue = defaultValue
            self.primaryKeyPosition = primaryKeyPosition
            self.generated = generated
        }
    }

    /// An index, other than the automatic ones behind UNIQUE and PRIMARY KEY constraints
    /// (`sqlite_autoindex_*`, recreated by the table's own SQL).
    public struct Index: Codable, Sendable, Hashable {
        /// One indexed term (`PRAGMA index_xinfo`, key columns only).
        public struct Term: Codable, Sendable, Hashable {
            /// The column name; `nil` for an expression (`CREATE INDEX i ON t(lower(x))`).
            public var column: String?
            public var descending: Bool
            /// The collating sequence, e.g. `"BINARY"`, `"NOCASE"`.
            public var collation: String

            public init(column: String?, descending: Bool, collation: String) {
                self.column = column
                self.descending = descending
                self.collation = collation
            }
        }

        public var name: String
        public var table: String
        public var unique: Bool
        public var columns: [Term]
        /// The `WHERE` condition of a partial index, as written.
        public var partialWhere: String?
        /// `CREATE INDEX` text from `sqlite_master`.
        public var sql: String

        public init(name: String, table: String, unique: Bool, columns: [Term], partialWhere: String?, sql: String) {
            self.name = name
            self.table = table
            self.unique = unique
            self.columns = columns
            self.partialWhere = partialWhere
            self.sql = sql
        }
    }

    /// A view or a trigger: its name, the table it belongs to (a trigger's table; a view's own
    /// name) and its `CREATE` SQL.
    public struct Object: Codable, Sendable, Hashable {
        public var name: String
        public var table: String
        public var sql: String

        public init(name: String, table: String, sql: String) {
            self.name = name
            self.table = table
            self.sql = sql
        }
    }

    /// A row of `sqlite_sequence`: the largest rowid an `AUTOINCREMENT` table has handed out.
    public struct Sequence: Codable, Sendable, Hashable {
        public var table: String
        public var value: Int64

        public init(table: String, value: Int64) {
            self.table = table
            self.value = value
        }
    }

    /// Database-wide settings that a restore reproduces.
    public struct Settings: Codable, Sendable, Hashable {
        /// `PRAGMA user_version`.
        public var userVersion: Int64
        /// `PRAGMA application_id`.
        public var applicationID: Int64
        /// `PRAGMA encoding`: `"UTF-8"`, `"UTF-16le"` or `"UTF-16be"`.
        public var encoding: String
        /// `PRAGMA page_size`.
        public var pageSize: Int64
        /// `PRAGMA auto_vacuum`: 0 none, 1 full, 2 incremental.
        public var autoVacuum: Int64
        /// Whether the file is in WAL mode (the one journal mode stored in the file).
        public var walMode: Bool

        public init(userVersion: Int64 = 0, applicationID: Int64 = 0, encoding: String = "UTF-8", pageSize: Int64 = 4096,
                    autoVacuum: Int64 = 0, walMode: Bool = false) {
            self.userVersion = userVersion
            self.applicationID = applicationID
            self.encoding = encoding
            self.pageSize = pageSize
            self.autoVacuum = autoVacuum
            self.walMode = walMode
        }
    }

    public var tables: [Table]
    public var indexes: [Index]
    public var views: [Object]
    public var triggers: [Object]
    /// `sqlite_sequence`, present when a table uses `AUTOINCREMENT`.
    public var sequences: [Sequence]
    public var settings: Settings

    public init(tables: [Table] = [], indexes: [Index] = [], views: [Object] = [], triggers: [Object] = [],
                sequences: [Sequence] = [], settings: Settings = Settings()) {
        self.tables = tables
        self.indexes = indexes
        self.views = views
        self.triggers = triggers
        self.sequences = sequences
        self.settings = settings
    }

    /// The table named `name` (exact match).
    public func table(named name: String) -> Table? { tables.first { $0.name == name } }
}
