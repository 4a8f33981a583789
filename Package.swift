// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every Swift target (Hummingbird-style single array).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Amber",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AmberKit", targets: ["AmberKit"]),
        // Test support: memory and faulty backends, the backend conformance suite, generators.
        .library(name: "AmberTesting", targets: ["AmberTesting"]),
        .executable(name: "amber", targets: ["AmberCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C system libraries: module.modulemap + shim.h each.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CXattr", path: "Sources/CXattr"),
        // posix_spawn's closefrom and pipe2 (GNU extensions), for the children a profile run starts.
        .target(name: "CSpawn", path: "Sources/CSpawn"),
        // The SHA-256 compression function with the x86 SHA extensions (PreparedHMACSHA256).
        .target(name: "CSHA256", path: "Sources/CSHA256"),
        // scrypt's ROMix one lane at a time (SSE2), so that a derivation's lanes run on several cores.
        .target(name: "CScrypt", path: "Sources/CScrypt"),

        // Leaf layer: vocabulary, then the pure building blocks.
        .target(name: "AmberCore", swiftSettings: swiftSettings),
        .target(name: "AmberCrypto", dependencies: ["AmberCore", "COpenSSL", "CSodium", "CSHA256", "CScrypt"], swiftSettings: swiftSettings),
        .target(name: "AmberCompression", dependencies: ["AmberCore", "CZstd"], swiftSettings: swiftSettings),
        .target(name: "AmberChunking", dependencies: ["AmberCore"], swiftSettings: swiftSettings),
        .target(name: "AmberStorage", dependencies: ["AmberCore"], swiftSettings: swiftSettings),
        // S3-compatible object storage: SigV4 in Swift, libcurl as transport.
        .target(name: "AmberStorageS3", dependencies: ["AmberCore", "AmberStorage", "AmberCrypto", "CCurl"],
                swiftSettings: swiftSettings),
        // The versions of the C libraries linked in, for `amber version`.
        .target(name: "AmberLibraryVersions", dependencies: ["CZstd", "COpenSSL", "CSodium", "CCurl", "CSQLite", "CLibPQ"],
                swiftSettings: swiftSettings),

        // Repository: keys, config, packs, index, locks.
        .target(name: "AmberRepository",
                dependencies: ["AmberCore", "AmberCrypto", "AmberCompression", "AmberChunking", "AmberStorage"],
                swiftSettings: swiftSettings),
        // Trees, snapshots, check.
        .target(name: "AmberSnapshot", dependencies: ["AmberRepository", "AmberManifest"], swiftSettings: swiftSettings),
        // Documents: JSON (RFC 8785), typed database values, order-preserving document keys.
        .target(name: "AmberDocuments", dependencies: ["AmberCore"], swiftSettings: swiftSettings),
        // SQLite databases as schema plus keyed rows: source (one read transaction) and target.
        .target(name: "AmberSQLite", dependencies: ["AmberCore", "AmberDocuments", "CSQLite"], swiftSettings: swiftSettings),
        // PostgreSQL databases through libpq: schema from the catalogs, rows through COPY, in one
        // REPEATABLE READ snapshot; target and incremental target.
        .target(name: "AmberPostgres", dependencies: ["AmberCore", "AmberDocuments", "AmberCrypto", "CLibPQ"],
                swiftSettings: swiftSettings),
        // Collection manifests: content-addressed prolly trees from document key to document.
        .target(name: "AmberManifest", dependencies: ["AmberCore", "AmberCrypto", "AmberChunking", "AmberRepository", "AmberDocuments"],
                swiftSettings: swiftSettings),
        // Sources and targets: directory trees.
        .target(name: "AmberFilesystem",
                dependencies: ["AmberCore", "AmberCrypto", "AmberChunking", "AmberRepository", "AmberSnapshot", "CXattr"],
                swiftSettings: swiftSettings),
        // Sources and targets: collections (NDJSON, JSON, SQLite, PostgreSQL) as manifests.
        .target(name: "AmberCollections",
                dependencies: ["AmberCore", "AmberCrypto", "AmberDocuments", "AmberRepository", "AmberManifest", "AmberSnapshot",
                               "AmberSQLite", "AmberPostgres"],
                swiftSettings: swiftSettings),
        // Orchestration, both directions: source and target strings, the backup runner, restores.
        .target(name: "AmberBackup",
                dependencies: ["AmberCore", "AmberRepository", "AmberManifest", "AmberSnapshot", "AmberFilesystem", "AmberCollections",
                               "AmberPostgres"],
                swiftSettings: swiftSettings),
        // Orchestration of whole runs: profiles read from a YAML file (backup, forget, prune, check,
        // sync, hooks, monitoring) and the systemd units or cron line that schedule them.
        .target(name: "AmberProfiles",
                dependencies: ["AmberCore", "AmberStorageS3", "AmberRepository", "AmberBackup", "CSpawn",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: swiftSettings),
        // Umbrella.
        .target(name: "AmberKit",
                dependencies: ["AmberCore", "AmberCrypto", "AmberCompression", "AmberChunking", "AmberStorage",
                               "AmberStorageS3", "AmberRepository", "AmberManifest", "AmberSnapshot", "AmberFilesystem",
                               "AmberDocuments", "AmberSQLite", "AmberPostgres", "AmberCollections", "AmberBackup",
                               "AmberLibraryVersions", "AmberProfiles"],
                swiftSettings: swiftSettings),

        // The web UI (`amber serve`): a JSON API and an embedded page over one unlocked repository.
        .target(name: "AmberServe",
                dependencies: ["AmberKit", .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),

        // Test support, shipped as a library for tests here and for other backends' tests.
        .target(name: "AmberTesting", dependencies: ["AmberCore", "AmberStorage", "AmberStorageS3"], swiftSettings: swiftSettings),

        .executableTarget(name: "AmberCLI",
                          dependencies: ["AmberKit", "AmberServe", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swiftSettings),
        // Manifest measurement (1M entries, 0.1% changed): swift run -c release AmberManifestBench.
        // Benchmarks/ holds every benchmark; this one builds with the package, the others are
        // their own package (Benchmarks/Package.swift) or scripts.
        .executableTarget(name: "AmberManifestBench",
                          dependencies: ["AmberCore", "AmberCrypto", "AmberRepository", "AmberManifest", "AmberStorage", "AmberTesting", "AmberDocuments"],
                          path: "Benchmarks/manifest", swiftSettings: swiftSettings),

        // One test target per module; each declares what it imports.
        .testTarget(name: "AmberCryptoTests", dependencies: ["AmberCore", "AmberCrypto"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberCompressionTests", dependencies: ["AmberCompression", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberChunkingTests", dependencies: ["AmberChunking", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberStorageTests", dependencies: ["AmberStorage", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberStorageS3Tests", dependencies: ["AmberStorage", "AmberStorageS3", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberRepositoryTests", dependencies: ["AmberCore", "AmberCrypto", "AmberChunking", "AmberStorage", "AmberStorageS3", "AmberRepository", "AmberManifest", "AmberSnapshot", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberDocumentsTests", dependencies: ["AmberCore", "AmberDocuments", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberSQLiteTests", dependencies: ["AmberCore", "AmberDocuments", "AmberSQLite"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberPostgresTests", dependencies: ["AmberCore", "AmberDocuments", "AmberPostgres"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberManifestTests", dependencies: ["AmberCore", "AmberCrypto", "AmberDocuments", "AmberStorage", "AmberRepository", "AmberManifest", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberSnapshotTests", dependencies: ["AmberCore", "AmberCrypto", "AmberRepository", "AmberSnapshot"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberFilesystemTests", dependencies: ["AmberKit", "AmberFilesystem"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberCollectionsTests", dependencies: ["AmberKit", "AmberCollections", "AmberTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberBackupTests", dependencies: ["AmberKit"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberProfilesTests", dependencies: ["AmberProfiles"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AmberCLITests", dependencies: ["AmberKit", "AmberCLI", "AmberTesting"],
                    swiftSettings: swiftSettings),
    ]
)
