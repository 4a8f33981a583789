/// AmberKit: a content-addressed, deduplicating, encrypted archive store.
///
/// The layers, each a module, depend only downward:
/// `AmberCore` (vocabulary) → `AmberCrypto`, `AmberCompression`, `AmberChunking`, `AmberStorage`
/// (with `AmberStorageS3` for S3-compatible object storage)
/// → `AmberRepository` (keys, config, packs, index) → `AmberManifest` (collection manifests)
/// → `AmberSnapshot` (trees, snapshots, check) → `AmberFilesystem` (directory sources and targets)
/// and `AmberCollections` (collection sources and targets) → `AmberBackup` (what a backup and a
/// restore run: source and target strings, the steps, options and results); `AmberDocuments` (JSON, database values,
/// document keys) sits beside the building blocks on `AmberCore`, and `AmberSQLite` (SQLite
/// databases as schema plus keyed rows) and `AmberPostgres` (PostgreSQL databases through libpq) on it; `AmberProfiles` (profile files: whole runs and their schedules) above `AmberBackup`. Importing `AmberKit` imports them all.
@_exported import AmberCore
@_exported import AmberCrypto
@_exported import AmberCompression
@_exported import AmberChunking
@_exported import AmberStorage
@_exported import AmberStorageS3
@_exported import AmberRepository
@_exported import AmberManifest
@_exported import AmberSnapshot
@_exported import AmberFilesystem
@_exported import AmberDocuments
@_exported import AmberSQLite
@_exported import AmberPostgres
@_exported import AmberCollections
@_exported import AmberBackup
@_exported import AmberLibraryVersions
@_exported import AmberProfiles
