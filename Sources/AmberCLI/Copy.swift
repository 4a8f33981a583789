import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber copy`: copies snapshots from another repository, with other keys (restic's `copy`).
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy snapshots from another repository into this one.",
            discussion: """
                Copies the snapshots named (ids or latest), or every snapshot the --host/--tag/--path/--at \
                filter selects in the source, into the repository of -r/AMBER_REPOSITORY. The two \
                repositories have their own keys: every blob is decrypted and stored again, trees and \
                collections are rebuilt with the new ids, and files keep the source's chunk boundaries. A \
                snapshot already copied (the target has a snapshot whose original is it) is skipped, so \
                copying again copies what is new. The source's password comes from --from-password-file, \
                --from-password-command, AMBER_FROM_PASSWORD_FILE, AMBER_FROM_PASSWORD_COMMAND or \
                AMBER_FROM_PASSWORD. To copy a repository with its keys (an offsite copy), use sync.

                Examples:
                  amber -r /srv/amber copy --from-repo /mnt/old-repo --from-password-file ~/.old-password
                  amber copy --from-repo s3:https://s3.example.com/bucket/amber --host db1 latest
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots of the source, when none is named") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot ids (unique prefixes) of the source, or latest.")
        var snapshots: [String] = []

        @Option(name: .customLong("from-repo"), help: "The source repository (default: $AMBER_FROM_REPOSITORY).")
        var fromRepo: String?

        @Option(name: .customLong("from-password-file"), help: "Read the source's password from this file (default: $AMBER_FROM_PASSWORD_FILE).")
        var fromPasswordFile: String?

        @Option(name: .customLong("from-password-command"), help: "Run this shell command; the first line it prints is the source's password (default: $AMBER_FROM_PASSWORD_COMMAND).")
        var fromPasswordCommand: String?

        func run() throws {
            try Exit.run {
                let environment = global.environment
                guard let location = fromRepo ?? environment["AMBER_FROM_REPOSITORY"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                    throw CLIError.usage("no source repository: use --from-repo or set AMBER_FROM_REPOSITORY")
                }
                let backend = try BackendLocation.open(location, environment: environment)
                guard try backend.exists(.config) else { throw RepositoryError(.noRepository, "there is no repository at \(backend.location)") }
                let password = try PasswordSource(file: fromPasswordFile, command: fromPasswordCommand, environment: environment,
                                                  prefix: "AMBER_FROM_", optionPrefix: "--from-password").read(confirm: false)
                let source = try Repository.open(backend: backend, password: password)
                let target = try global.openRepository()
                let sourceLock = try global.lock(source, mode: .shared)
                let targetLock = try global.lock(target, mode: .shared)
                Interrupts.onInterrupt {
                    sourceLock.release()
                    targetLock.release()
                }
                defer {
                    targetLock.release()
                    sourceLock.release()
                }
                // The snapshots first, then the index: a backup finishing meanwhile is then in both.
                let records = try selection.records(in: source, named: snapshots)
                try global.loadIndex(source)
                try global.loadIndex(target)
                let report = try SnapshotCopier(from: source, to: target).copy(records)
                if global.json {
                    Output.json(report)
                } else if !global.quiet {
                    for pair in report.copied {
                        Output.line("snapshot \(pair.source.prefix(8)) of \(backend.location) copied as \(pair.snapshot.prefix(8))")
                    }
                    Output.line("copied \(report.copied.count) snapshots (\(Output.bytes(report.addedBytes)) added), "
                                + "skipped \(report.skipped.count) already there")
                }
                return Exit.ok
            }
        }
    }
}
