import AmberCollections
import AmberFilesystem

/// The sources of one backup, opened and checked before anything is written: each directory
/// tree exists, each collection source has read and validated all its input, and no two have
/// the same entry name in the root tree.
struct BackupSources {
    /// A collection source and the string that named it.
    struct Collection {
        let source: String
        let collection: any CollectionSource
    }

    private(set) var trees = [TreeRoot]()
    private(set) var collections = [Collection]()
    /// The file name standard input is stored under (`backup --stdin`), if it is a source.
    private(set) var standardInput: String?
    private var names = Set<[UInt8]>()

    /// `stdin:NAME`: how a snapshot records standard input stored as the file NAME.
    static func standardInputSource(_ name: String) -> String { "stdin:\(name)" }

    /// Adds standard input, stored as the file `name` at the root.
    mutating func addStandardInput(named name: String) throws {
        guard !name.isEmpty, !name.contains("/") else {
            throw FilesystemError(path: name, message: "--stdin-filename takes a file name without /")
        }
        try claim(Array(name.utf8), Self.standardInputSource(name))
        standardInput = name
    }

    /// Opens `sources` in order.
    ///
    /// - Throws: ``AmberFilesystem/FilesystemError`` for no source, a missing path, an `s3:`
    ///   location or two sources with one entry name; the collection source's error for bad input.
    static func open(_ sources: [String], options: CollectionOptions, standardInput: String? = nil) throws -> BackupSources {
        guard !sources.isEmpty || standardInput != nil else { throw FilesystemError(path: "", message: "no source to back up") }
        var opened = BackupSources()
        for source in sources {
            try opened.open(source, options: options)
        }
        if let standardInput { try opened.addStandardInput(named: standardInput) }
        return opened
    }

    private mutating func open(_ source: String, options: CollectionOptions) throws {
        let location = Location(source)
        switch location {
        case .path(let path):
            let root = try TreeRoot(source: path)
            try claim(root.name, source)
            trees.append(root)
        case .s3:
            throw FilesystemError(path: source, message: "cannot back up an S3 location; use `amber sync` to copy a repository there")
        case .ndjson, .json, .sqlite, .postgres:
            let collection = try Self.openCollection(location, options: options)
            try claim(collection.entryName, source)
            collections.append(Collection(source: source, collection: collection))
        }
    }

    /// Reserves an entry name in the root tree.
    private mutating func claim(_ name: [UInt8], _ source: String) throws {
        guard names.insert(name).inserted else {
            throw FilesystemError(path: source, message: "two sources are named \"\(String(decoding: name, as: UTF8.self))\"; back them up separately")
        }
    }

    private static func openCollection(_ location: Location, options: CollectionOptions) throws -> any CollectionSource {
        switch location {
        case .ndjson(let path):
            return try JSONCollection(path: path, format: .ndjson, name: options.collectionName, idField: options.idField)
        case .json(let path):
            return try JSONCollection(path: path, format: .json, name: options.collectionName, idField: options.idField)
        case .sqlite(let path):
            return try SQLiteCollections(path: path)
        case .postgres(let uri):
            return try PostgresCollections(uri: uri, schemas: options.schemas, tables: options.tables, globals: options.globals,
                                           jobs: options.jobs)
        case .path, .s3:
            preconditionFailure("\(location) holds no collections")
        }
    }
}
