import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber backup PATH...`: backs up directories and files into a new snapshot.
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up files and directories into a new snapshot.",
            discussion: """
                Examples:
                  amber backup ~/work ~/photos --exclude '*.tmp' --exclude-caches --tag daily
                  amber backup ndjson:users.ndjson sqlite:app.db postgresql://app@db/app
                  pg_dump app | amber backup --stdin --stdin-filename app.sql
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "What to back up: files and directories (each a top-level entry named by its last component), ndjson:FILE, json:FILE, sqlite:FILE or a postgresql:// URI.")
        var paths: [String] = []

        @OptionGroup(title: "Exclusions and lists of paths (directory sources, as restic)") var excludes: ExcludeOptions

        @Option(name: .long, help: "Collection name for ndjson:/json: sources (default: the file's stem).")
        var collection: String?

        @Option(name: .customLong("id-field"), help: "Document id field for ndjson:/json: sources (default: _id, else id).")
        var idField: String?

        @Option(name: .customLong("schema"), help: "For postgresql:// sources: back up only this schema (repeatable).")
        var schemas: [String] = []

        @Option(name: .customLong("table"), help: "For postgresql:// sources: back up only this table, schema.table or name (repeatable).")
        var tables: [String] = []

        @Flag(name: .long, help: "For postgresql:// sources: also back up the server's roles and tablespaces (pg_dumpall --globals-only); restore --globals recreates them.")
        var globals = false

        @Option(name: [.customShort("j"), .long], help: ArgumentHelp("For postgresql:// sources: read this many tables at once, each on its own connection in the same snapshot, as pg_dump -j (default: half the cores, as each keeps about two busy).", valueName: "n"))
        var jobs: Int = Backup.defaultJobs

        @Option(name: .long, help: "Add a tag to the snapshot (repeatable).")
        var tag: [String] = []

        @Option(name: .long, help: "Host name to record (default: this machine's).")
        var host: String?

        @Option(name: .long, help: "Time to record, ISO 8601 / RFC 3339 (default: now).")
        var time: String?

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Read everything and say what would be added, writing nothing to the repository.")
        var dryRun = false

        @Flag(name: .long, help: "Also back up what standard input gives, as the file --stdin-filename at the snapshot's root (pg_dump db | amber backup --stdin).")
        var stdin = false

        @Option(name: .customLong("stdin-filename"), help: "The file name standard input is stored under (default: stdin).")
        var stdinFilename = "stdin"

        @Flag(name: .customLong("no-cache"), help: "Do not use the files cache: read every file.")
        var noCache = false

        @Flag(name: .customLong("no-xattrs"), help: "Store no extended attributes (nor the POSIX ACLs they hold).")
        var noXattrs = false

        @Option(name: .long, help: "Build collections on this snapshot (id, prefix or latest) instead of the newest earlier backup of the same host and source.")
        var parent: String?

        @Flag(name: .long, help: "Ignore earlier backups: read every file (as --no-cache) and store every collection whole, not as changes on its previous backup.")
        var force = false

        /// Half the cores, at least one: each table read keeps about two busy (its reader and its
        /// tree building), and the server's backend a third.
        static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

        func run() throws {
            try Exit.run {
                guard jobs >= 1 else { throw CLIError.usage("--jobs \(jobs): give at least 1") }
                var when = Date()
                if let time {
                    guard let parsed = RFC3339.parse(time) else { throw CLIError.usage("--time \"\(time)\" is not an ISO 8601 date-time") }
                    when = parsed
                }
                // The duration covers opening the sources, which reads and sorts collection sources.
                let started = Date()
                let collections = CollectionOptions(collectionName: collection, idField: idField, schemas: schemas, tables: tables, globals: globals,
                                                    jobs: jobs)
                let rules = try excludes.rules(environment: global.environment)
                let sources = paths + (try excludes.listedPaths())
                guard !sources.isEmpty || stdin else { throw CLIError.usage("nothing to back up: give paths, --files-from or --stdin") }
                // What the backup will read is counted from now, for the progress display's ETA:
                // beside the key derivation, so the tree's metadata is cached when the backup walks it.
                let progress = ProgressCounter()
                let scan = TreeScanner.start(sources, excludes: rules) { items, bytes in progress.setTotal(items: items, bytes: bytes) }
                defer { scan.stop() }
                let (repository, opened) = try global.openingRepository {
                    try BackupRunner.openSources(sources, collections: collections, standardInput: stdin ? stdinFilename : nil)
                }
                let lock = try global.lock(repository, mode: .shared)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                var options = BackupOptions(
                    tags: tag, host: host ?? ProcessInfo.processInfo.hostName, time: when,
                    cacheDirectory: noCache || force ? nil : FilesCache.defaultDirectory(environment: global.environment),
                    usesParent: !force,
                    collections: collections, excludes: rules)
                options.dryRun = dryRun
                options.extendedAttributes = !noXattrs
                if let parent {
                    guard !force else { throw CLIError.usage("--parent and --force exclude each other") }
                    options.parent = try repository.findSnapshot(parent).id
                }
                let style = global.progressStyle
                let display = ProgressDisplay(progress: progress, verb: "processed", style: style)
                let result = try display.showing { try BackupRunner(repository: repository, options: options, progress: progress).run(opened, lock: lock) }
                report(result, seconds: Date().timeIntervalSince(started))
                return result.warnings.isEmpty ? Exit.ok : Exit.partial
            }
        }

        private func report(_ result: BackupResult, seconds: Double) {
            for warning in result.warnings { Output.error("warning: \(warning)") }
            for notice in result.notices { Output.error("note: \(notice)") }
            let stats = result.snapshot.stats
            if global.json {
                Output.json(BackupSummary(snapshotID: result.id.hex, shortID: result.id.shortHex, documents: stats.documents,
                                          directories: stats.directories, bytes: stats.bytes, addedBytes: stats.addedBytes,
                                          blobsAdded: stats.blobsAdded, filesRead: result.filesRead, warnings: result.warnings, durationSeconds: seconds,
                                          dryRun: dryRun ? true : nil, notes: result.notices))
            } else if !global.quiet {
                Output.line("\(stats.documents) files, \(stats.directories) directories, \(Output.bytes(stats.bytes)) processed in \(Output.duration(seconds))")
                Output.line("\(dryRun ? "would add" : "added") to the repository: \(Output.bytes(stats.addedBytes)) (\(stats.blobsAdded) new blobs)")
                if !result.warnings.isEmpty { Output.line("\(result.warnings.count) paths could not be read and were skipped") }
                Output.line(dryRun ? "dry run: nothing was written" : "snapshot \(result.id.shortHex) saved")
            }
        }
    }
}

/// The `--json` summary of a backup.
struct BackupSummary: Encodable {
    var messageType = "summary"
    let snapshotID: String
    let shortID: String
    let documents: UInt64
    let directories: UInt64
    let bytes: UInt64
    let addedBytes: UInt64
    let blobsAdded: UInt64
    let filesRead: Int
    let warnings: [String]
    let durationSeconds: Double
    /// Present (true) for a dry run: nothing was written, and the ids are zeros.
    var dryRun: Bool?
    /// What the user should know that did not make the backup partial (a table without a
    /// primary key, a source stored whole, packs of an interrupted backup reused, …).
    var notes: [String] = []

    enum CodingKeys: String, CodingKey {
        case messageType = "message_type", snapshotID = "snapshot_id", shortID = "short_id", documents, directories, bytes
        case addedBytes = "added_bytes", blobsAdded = "blobs_added", filesRead = "files_read", warnings, durationSeconds = "duration_seconds"
        case dryRun = "dry_run", notes
    }
}
