import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber sync --to LOCATION`: copies the repository's encrypted files to another location.
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the repository, still encrypted, to another location (a directory or s3:…).",
            discussion: """
                Copies only the files the destination lacks, in the order a backup writes them, and the config \
                last, so an interrupted sync leaves no half repository; run it again to finish. The copy opens \
                with the same passwords. The source is opened with the password and held with a maintenance lock \
                (backups may run meanwhile; prune and forget wait). Nothing should write to the destination \
                except syncs from this repository.

                Examples:
                  amber sync --to s3:https://s3.example.com/bucket/amber --verify
                  amber sync --to /mnt/usb/amber --delete
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("to"), help: "Destination: a directory or s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX].")
        var destination: String

        @Flag(name: .long, help: "Remove destination files the source no longer has (never the config).")
        var delete = false

        @Flag(name: .long, help: "Read every copied file back from the destination and check its SHA-256.")
        var verify = false

        @Option(name: .customLong("parallel"), help: "Files copied at once (default 4).")
        var parallel = 4

        func validate() throws {
            guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 64") }
        }

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let target = try BackendLocation.open(destination, environment: global.environment)
                if Self.sameLocation(repository.backend.location, target.location) {
                    throw CLIError.usage("the destination \(target.location) is the repository itself")
                }
                let lock = try global.lock(repository, mode: .maintenance)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                let progress = ProgressCounter()
                let display = ProgressDisplay(progress: progress, verb: "copied", style: global.progressStyle)
                let sync = RepositorySync(source: repository.backend, destination: target,
                                          options: SyncOptions(parallelism: parallel, verifyContents: verify, delete: delete,
                                                               earlierConfigs: Set(repository.config.earlierSealings)))
                let report = try display.showing {
                    try sync.run(planned: { files, bytes in progress.setTotal(items: UInt64(files), bytes: UInt64(bytes)) },
                                 progress: { bytes in progress.add(items: 1, bytes: UInt64(bytes)) })
                }
                Self.print(report, to: target.location, global: global)
                return Exit.ok
            }
        }

        static func sameLocation(_ a: String, _ b: String) -> Bool {
            func normal(_ s: String) -> String {
                s.hasPrefix("s3:") ? s : URL(fileURLWithPath: s).standardizedFileURL.resolvingSymlinksInPath().path
            }
            return normal(a) == normal(b)
        }

        static func print(_ report: SyncReport, to location: String, global: GlobalOptions) {
            if global.json {
                Output.json(report, snakeCase: true)
                return
            }
            guard !global.quiet else { return }
            for kind in ["keys", "copies", "data", "index", "plans", "snapshots", "config"] {
                guard let c = report.kinds[kind], c.sourceFiles + c.deletedFiles > 0 else { continue }
                var line = "\(kind): \(c.copiedFiles) copied (\(Output.bytes(UInt64(c.copiedBytes)))), \(c.presentFiles) already there"
                if c.deletedFiles > 0 { line += ", \(c.deletedFiles) deleted (\(Output.bytes(UInt64(c.deletedBytes))))" }
                if c.vanishedFiles > 0 { line += ", \(c.vanishedFiles) gone from the source" }
                Output.line(line)
            }
            let rate = Output.bytes(UInt64(report.bytesPerSecond))
            Output.line("synced to \(location): \(report.copiedFiles) files, \(Output.bytes(UInt64(report.copiedBytes))) in \(Output.fixed(report.seconds, 1)) s (\(rate)/s)"
                        + (report.verifiedContents ? ", contents verified" : ""))
        }
    }
}
