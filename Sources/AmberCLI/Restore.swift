import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber restore SNAPSHOT --target DIR`: writes a snapshot's files back.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a snapshot into a directory, NDJSON files, a SQLite or a PostgreSQL database.",
            discussion: """
                --target DIR restores files and directories. --target ndjson:DIR writes each collection as \
                DIR/COLLECTION.ndjson; --target sqlite:PATH writes a new SQLite database (refused if it exists, \
                unless --force). With --from A, only the changes from snapshot A are applied to a target that \
                holds A; amber knows it does by reading the target back and comparing every document with A \
                (and, for SQLite, the schema), and refuses otherwise unless --force.

                --target postgresql://… restores into an empty PostgreSQL database: the structure pg_dump captured at \
                backup time (pre-data, then the rows, then post-data, with Debian's pg_restore for the server's \
                version), owners and privileges included unless --no-owner / --no-acl. A SQLite snapshot restores into \
                PostgreSQL and a PostgreSQL snapshot into sqlite:PATH through the type mapping of docs/cross-engine.md: \
                what cannot be mapped (a value that does not fit its column, a view, a trigger, an index on an \
                expression, …) is listed and nothing is written. --skip-unmappable restores the tables and rows \
                without the unmappable structure, with a warning for each; a value that does not fit is always an \
                error. --from does not apply across engines.

                Examples:
                  amber restore latest --target /tmp/restore --include '*.md' --verify
                  amber restore latest --target ndjson:/tmp/out
                  amber restore latest --target postgresql://app@db/app_copy
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshot latest is") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot id (a unique prefix) or \"latest\".")
        var snapshot: String

        @Option(name: [.short, .long], help: "DIR (each backed-up path becomes DIR/<its last component>), ndjson:DIR or sqlite:PATH.")
        var target: String

        @Option(name: .long, help: "Incremental restore: apply only the changes since this snapshot to a target that holds it.")
        var from: String?

        @Flag(name: .long, help: "Replace an existing target, or apply --from without checking the target.")
        var force = false

        @Flag(name: .long, help: "After restoring, read the target back and compare every document with the snapshot.")
        var verify = false

        @Flag(name: .long, help: "Restoring into another engine: leave out views, triggers, indexes, constraints and defaults that have no equivalent there (warning for each) instead of refusing.")
        var skipUnmappable = false

        @Flag(name: [.customShort("O"), .long], help: "Into PostgreSQL: objects belong to the user who restores, as pg_restore --no-owner.")
        var noOwner = false

        @Flag(name: [.customShort("x"), .customLong("no-acl"), .customLong("no-privileges")],
              help: "Into PostgreSQL: leave out GRANT and REVOKE, as pg_restore --no-acl.")
        var noACL = false

        @Flag(name: .long, help: "Into PostgreSQL: first recreate the server's roles and tablespaces the snapshot holds (backed up with --globals), with psql.")
        var globals = false

        @Flag(name: .customLong("no-sparse"), help: "Write zero bytes out: by default a chunk of only zeros becomes a hole, so a sparse file comes back sparse (restic's --sparse).")
        var noSparse = false

        @Flag(name: .customLong("no-xattrs"), help: "Set no extended attributes (nor POSIX ACLs) on restored files.")
        var noXattrs = false

        @Option(name: [.short, .long], help: "Restore only paths matching this pattern, and what is below them (repeatable).")
        var include: [String] = []

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let lock = try global.lock(repository, mode: .shared)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                try global.loadIndex(repository)
                let record = try repository.findSnapshot(snapshot, filter: try selection.filter())
                let root = try record.rootTree()
                let location = Location(target)
                if location.holdsCollections {
                    return try restoreCollections(repository, record: record, root: root, target: location)
                }
                guard from == nil else { throw CLIError.usage("--from applies to ndjson:, sqlite: and postgresql: targets") }
                let progress = ProgressCounter()
                if include.isEmpty {
                    progress.setTotal(items: record.snapshot.stats.documents, bytes: record.snapshot.stats.bytes)
                }
                let display = ProgressDisplay(progress: progress, verb: "restored", style: global.progressStyle)
                let started = Date()
                let result = try display.showing {
                    try RestoreRunner(repository: repository).restoreFiles(root, to: target, include: IncludeFilter(include), progress: progress,
                                                                          sparse: !noSparse, extendedAttributes: !noXattrs)
                }
                for warning in result.warnings { Output.error("warning: \(warning)") }
                let seconds = Date().timeIntervalSince(started)
                // --verify reads every restored file back and compares it with the snapshot.
                let differences = verify ? try RestoreVerifier(repository: repository, include: IncludeFilter(include)).verify(root, at: target) : []
                for difference in differences.prefix(100) { Output.error("mismatch: \(difference)") }
                if global.json {
                    Output.json(RestoreSummary(snapshotID: record.id.hex, files: result.files, directories: result.directories,
                                               bytes: result.bytes, warnings: result.warnings, durationSeconds: seconds,
                                               verified: verify ? differences.isEmpty : nil, mismatches: verify ? differences.count : nil))
                } else if !global.quiet {
                    Output.line("restored snapshot \(record.id.shortHex) to \(target): \(result.files) files, \(result.directories) directories, \(Output.bytes(result.bytes)) in \(Output.duration(seconds))")
                    if verify {
                        Output.line(differences.isEmpty ? "verified: the target equals the snapshot" : "verify: \(differences.count) differences from the snapshot")
                    }
                }
                if !differences.isEmpty { return Exit.error }
                return result.warnings.isEmpty ? Exit.ok : Exit.partial
            }
        }
    
        /// Restores into NDJSON files, a SQLite or a PostgreSQL database, in full or from another snapshot.
        private func restoreCollections(_ repository: Repository, record: SnapshotRecord, root: BlobID, target location: Location) throws -> Int32 {
            var base: BlobID?
            if let from {
                base = try repository.findSnapshot(from).rootTree()
            }
            var options = RestoreOptions(force: force, verify: verify, skipUnmappable: skipUnmappable, noOwner: noOwner, noACL: noACL)
            options.globals = globals
            let report = try RestoreRunner(repository: repository).restoreCollections(root, to: location, from: base, options: options)
            for m in report.mismatches.prefix(100) { Output.error("mismatch: \(m)") }
            let shownTarget = if case .postgres = location { "the PostgreSQL database" } else { target }
            return finishCollections(report, record: record, incremental: base != nil, shownTarget: shownTarget)
        }

        /// Prints the outcome of a collection restore; non-zero when --verify found differences.
        private func finishCollections(_ report: CollectionRestoreReport, record: SnapshotRecord, incremental: Bool, shownTarget: String) -> Int32 {
            for warning in report.warnings { Output.error("warning: \(warning)") }
            for damage in report.damaged { Output.error("damaged: \(damage)") }
            if global.json {
                Output.json(CollectionRestoreSummary(report, snapshot: record.id.hex, verified: verify))
            } else if !global.quiet {
                for change in report.structure { Output.line("structure: \(change)") }
                let how = incremental ? "\(report.inserted) inserted, \(report.updated) updated, \(report.deleted) deleted" : "\(report.documents) documents"
                Output.line("restored snapshot \(record.id.shortHex) to \(shownTarget): \(report.collections) collections, \(how)")
                if verify { Output.line(report.mismatches.isEmpty ? "verified: the target equals the snapshot" : "verify: \(report.mismatches.count) differences from the snapshot") }
            }
            guard report.mismatches.isEmpty else { return Exit.error }
            return report.damaged.isEmpty ? Exit.ok : Exit.partial
        }
    }
}

/// The `--json` summary of a collection restore.
struct CollectionRestoreSummary: Encodable {
    struct Item: Encodable { let collection: String; let key: String; let kind: String }
    var messageType = "summary"
    let snapshotID: String
    let collections: Int
    let documents: UInt64
    let inserted: Int
    let updated: Int
    let deleted: Int
    let verified: Bool
    let mismatches: [Item]
    /// How an incremental restore changed the structure, a table an item.
    let structureChanges: [String]

    init(_ r: CollectionRestoreReport, snapshot: String, verified: Bool) {
        snapshotID = snapshot
        collections = r.collections
        documents = r.documents
        inserted = r.inserted
        updated = r.updated
        deleted = r.deleted
        self.verified = verified
        mismatches = r.mismatches.map { Item(collection: $0.collection, key: $0.key, kind: $0.kind.rawValue) }
        structureChanges = r.structure
    }

    enum CodingKeys: String, CodingKey {
        case messageType = "message_type", snapshotID = "snapshot_id", collections, documents, inserted, updated, deleted, verified, mismatches
        case structureChanges = "structure_changes"
    }
}

struct RestoreSummary: Encodable {
    var messageType = "summary"
    let snapshotID: String
    let files: UInt64
    let directories: UInt64
    let bytes: UInt64
    let warnings: [String]
    let durationSeconds: Double
    /// With --verify: whether the target equals the snapshot, and how many paths differ.
    var verified: Bool?
    var mismatches: Int?

    enum CodingKeys: String, CodingKey {
        case messageType = "message_type", snapshotID = "snapshot_id", files, directories, bytes, warnings, durationSeconds = "duration_seconds"
        case verified, mismatches
    }
}
