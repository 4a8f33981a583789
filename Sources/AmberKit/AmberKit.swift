/// AmberKit: a content-addressed, deduplicating, encrypted archive store.
///
/// The layers, each a module, depend only downward:
/// `AmberCore` (vocabulary) → `AmberCrypto`, `AmberCompression`, `AmberChunking`, `AmberStorage`
/// → `AmberRepository` (keys, config, packs, index) → `AmberManifest` (collection manifests), `AmberSnapshot` (trees, snapshots, check)
/// → `AmberFilesystem` (directory sources and targets). Importing `AmberKit` imports them all.
@_exported import AmberCore
@_exported import AmberCrypto
@_exported import AmberCompression
@_exported import AmberChunking
@_exported import AmberStorage
@_exported import AmberRepository
@_exported import AmberManifest
@_exported import AmberSnapshot
@_exported import AmberFilesystem
@_exported import AmberLibraries
