import AmberKit
import ArgumentParser

extension Amber {
    /// `amber unlock`: removes stale lock files (restic's `unlock`).
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove stale locks left by amber processes that were killed.",
            discussion: """
                A lock is stale when its holder has not refreshed it for 30 minutes, or when it was taken \
                on this host by a process that no longer exists. Commands already ignore stale locks; \
                unlock removes their files. --remove-all removes every lock, also those of running \
                processes: use it only when nothing else uses the repository.

                Examples:
                  amber unlock
                  amber unlock --remove-all
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(name: .customLong("remove-all"), help: "Remove every lock, not only stale ones.")
        var removeAll = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let removed = try RepositoryLock.removeStale(repository, all: removeAll)
                if global.json {
                    Output.json(UnlockSummary(removedLocks: removed.count, removed: removed))
                } else if !global.quiet {
                    Output.line(removed.isEmpty ? "no \(removeAll ? "" : "stale ")locks to remove"
                                                : "removed \(removed.count) \(removeAll ? "" : "stale ")lock\(removed.count == 1 ? "" : "s")")
                }
                return Exit.ok
            }
        }
    }
}

/// The `--json` summary of `unlock`.
struct UnlockSummary: Encodable {
    var messageType = "summary"
    let removedLocks: Int
    let removed: [String]

    enum CodingKeys: String, CodingKey {
        case messageType = "message_type", removedLocks = "removed_locks", removed
    }
}
