/// Where a backup reads from or a restore writes to, as the user writes it: the one parser of
/// source and target strings, for `amber backup`, `amber restore` and any front end.
///
/// - `ndjson:PATH`, `json:PATH`: a file of JSON documents (a source) or, for `ndjson:`, a
///   directory of `COLLECTION.ndjson` files (a target);
/// - `sqlite:PATH`: a SQLite database;
/// - `postgresql://…` or `postgres://…`: a PostgreSQL database, the URI as libpq reads it
///   (``AmberPostgres/PGConnectionInfo``);
/// - `s3:…`: an S3 location (a repository, never a source or target of files);
/// - anything else: a file or directory path.
public enum Location: Sendable, Equatable {
    case path(String)
    case ndjson(String)
    case json(String)
    case sqlite(String)
    /// The connection URI, whole: libpq parses it.
    case postgres(String)
    /// The location, whole (`s3:https://HOST/BUCKET/PREFIX`).
    case s3(String)

    /// Parses `text`; every string is a location (a path, when it has no known prefix).
    public init(_ text: String) {
        if let path = Self.strip(text, "ndjson:") {
            self = .ndjson(path)
        } else if let path = Self.strip(text, "json:") {
            self = .json(path)
        } else if let path = Self.strip(text, "sqlite:") {
            self = .sqlite(path)
        } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            self = .postgres(text)
        } else if text.hasPrefix("s3:") {
            self = .s3(text)
        } else {
            self = .path(text)
        }
    }

    /// Whether this location holds collections (documents by key) rather than files.
    public var holdsCollections: Bool {
        switch self {
        case .ndjson, .json, .sqlite, .postgres: return true
        case .path, .s3: return false
        }
    }

    private static func strip(_ text: String, _ prefix: String) -> String? {
        text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil
    }
}
