import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber check`: verifies the repository's structure and, optionally, its data.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the repository.",
            discussion: """
                Examples:
                  amber check
                  amber check --read-data-subset 10%
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(name: .customLong("read-data"), help: "Read every pack and verify every blob.")
        var readData = false

        @Option(name: .customLong("read-data-subset"), help: "Read only a subset of the packs: N/T (subset N of T) or P% (a random share).")
        var subset: String?

        func run() throws {
            try Exit.run {
                var selection = ReadDataSelection.none
                if readData { selection = .all }
                if let subset {
                    guard let parsed = ReadDataSelection(subset: subset) else {
                        throw CLIError.usage("--read-data-subset \"\(subset)\": expected N/T (1 ≤ N ≤ T) or P% (0 < P ≤ 100)")
                    }
                    selection = parsed
                }
                let (repository, digests) = selection == .all ? try global.openRepositoryHashingPacks()
                                                              : (try global.openRepository(), nil)
                let lock = try global.lock(repository, mode: .shared)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                let progress = ProgressCounter()
                let display = ProgressDisplay(progress: progress, verb: "packs read:", style: selection != .none ? global.progressStyle : .none)
                let report = try display.showing {
                    try Checker(repository: repository).run(readData: selection, digests: digests) { read in
                        progress.setTotal(items: UInt64(read.totalPacks), bytes: UInt64(read.totalBytes))
                        progress.set(items: UInt64(read.packs), bytes: UInt64(read.bytes))
                    }
                }
                if global.json {
                    Output.json(CheckSummary(report))
                } else {
                    for warning in report.warnings where !global.quiet { Output.line("warning: \(warning)") }
                    for error in report.errors { Output.error("error: \(error)") }
                    if !report.affected.isEmpty {
                        Output.error("damage affects:")
                        for a in report.affected { Output.error("  snapshot \(a.snapshot.shortHex): \(a.path)") }
                        if report.errors.contains(where: { $0.hasPrefix("pack ") || $0.hasPrefix("blob ") }) {
                            Output.error("`amber repair packs ID…` first salvages what the damaged packs named above still hold into new packs")
                        }
                        Output.error("`amber repair snapshots --read-data` writes these snapshots anew without what was lost (add --forget to remove the damaged ones, then prune --max-unused 0 to drop the damaged blobs)")
                    }
                    if !global.quiet {
                        Output.line("checked \(report.snapshots) snapshots, \(report.trees) trees, \(report.packs) packs; read \(report.packsRead) packs, \(report.blobsRead) blobs, \(Output.bytes(report.bytesRead))"
                                    + (report.manifestsVerified > 0 ? "; rebuilt \(report.manifestsVerified) collection manifests kept as runs" : ""))
                        Output.line(report.isClean ? "no errors were found" : "\(report.errors.count) errors were found")
                    }
                }
                return report.isClean ? Exit.ok : Exit.error
            }
        }
    }
}

struct CheckSummary: Encodable {
    struct Affected: Encodable { let snapshot: String; let path: String }
    let ok: Bool
    let errors: [String]
    let warnings: [String]
    let damagedBlobs: [String]
    let affected: [Affected]
    let snapshots: Int
    let packs: Int
    let packsRead: Int
    let blobsRead: Int
    let bytesRead: UInt64
    let manifestsVerified: Int

    init(_ r: CheckReport) {
        ok = r.isClean
        errors = r.errors
        warnings = r.warnings
        damagedBlobs = r.damagedBlobs.map(\.hex).sorted()
        affected = r.affected.map { Affected(snapshot: $0.snapshot.hex, path: $0.path) }
        snapshots = r.snapshots
        packs = r.packs
        packsRead = r.packsRead
        blobsRead = r.blobsRead
        bytesRead = r.bytesRead
        manifestsVerified = r.manifestsVerified
    }

    enum CodingKeys: String, CodingKey {
        case ok, errors, warnings, damagedBlobs = "damaged_blobs", affected, snapshots, packs, packsRead = "packs_read", blobsRead = "blobs_read", bytesRead = "bytes_read"
        case manifestsVerified = "manifests_verified"
    }
}
