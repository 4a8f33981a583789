/// How collection sources are read: the `--collection`, `--id-field`, `--schema`, `--table` and
/// `--globals` options of `amber backup`.
public struct CollectionOptions: Sendable {
    /// The collection name for JSON sources (default: the file's stem).
    public var collectionName: String?
    /// The id field for JSON sources (default `_id`, else `id`).
    public var idField: String?
    /// What to capture of a PostgreSQL database (default: everything).
    public var schemas: [String]
    public var tables: [String]
    /// Also capture a PostgreSQL server's roles and tablespaces (`--globals`).
    public var globals: Bool
    /// How many tables of a PostgreSQL database are read at once, each on its own connection
    /// in the same snapshot (`--jobs`).
    public var jobs: Int

    public init(collectionName: String? = nil, idField: String? = nil, schemas: [String] = [], tables: [String] = [],
                globals: Bool = false, jobs: Int = 1) {
        self.collectionName = collectionName
        self.idField = idField
        self.schemas = schemas
        self.tables = tables
        self.globals = globals
        self.jobs = jobs
    }
}
