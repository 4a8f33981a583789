import AmberKit
import ArgumentParser

extension Amber.Key {
    /// `amber key retire`: everything sealed anew under the current key, the older keys dropped.
    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal everything stored under older data keys anew under the current one, then drop the older keys.",
            discussion: """
                After `amber key rotate`. Repacks every pack of an older key generation (as prune does, \
                so backups may run meanwhile), seals index files and snapshots anew (snapshot ids \
                change) and removes older prune plans, then rewrites the key file in use with the current key only and \
                removes every other key file. If the old packs cannot be deleted yet (a lock older than \
                the prune remains), the old keys are kept and the command says so: run it again later. \
                Safe to interrupt and run again. Exit code 3 when it could not finish.

                Examples:
                  amber key retire
                  amber key retire --retry-lock 30m --json
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let (repository, password) = try global.openRepositoryKeepingPassword()
                var options = PruneOptions()
                options.lockRetry = try global.retryLockSeconds()
                let report = try KeyRetirer(repository: repository, password: password, scrypt: Amber.Key.scrypt(global),
                                            options: options).run()
                if global.json {
                    Output.json(report)
                } else if !global.quiet {
                    Output.line("repacked \(report.prune.packsRepacked) packs (\(report.prune.blobsCopied) blobs); sealed anew "
                                + "\(report.indexFilesResealed) index files, \(report.snapshotsResealed) snapshots"
                                + (report.configResealed ? " and the config" : "")
                                + (report.plansRemoved > 0 ? "; removed \(report.plansRemoved) prune plans of older generations" : ""))
                    if report.complete {
                        let retired = report.retiredGenerations.map(String.init).joined(separator: ", ")
                        Output.line(retired.isEmpty ? "no older key generation was held: key generation \(report.generation) is the only one"
                                    : "retired key generations \(retired): key file \(report.keyName?.prefix(8) ?? "") holds generation \(report.generation) only")
                        for removed in report.removedKeys {
                            Output.line("removed key \(removed.prefix(8)): it held the retired keys (another password's: add it again with `amber key add`)")
                        }
                    }
                }
                guard report.complete else {
                    Output.error("amber: \(report.packsLeft) packs and \(report.filesLeft) files of older key generations remain (a lock older "
                                 + "than the prune, or a process still writing with them); the older keys are kept: run `amber key retire` again later")
                    return Exit.partial
                }
                return Exit.ok
            }
        }
    }
}
