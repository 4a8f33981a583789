import AmberKit
import ArgumentParser

extension Amber {
    /// `amber repair packs ID…`: salvages what can be read from damaged packs and removes them
    /// (restic's).
    struct RepairPacks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "packs",
            abstract: "Salvage the readable blobs of damaged packs into new packs, then remove the damaged packs.",
            discussion: """
                Give the packs check --read-data named (ids or unique prefixes). Every blob of each is read \
                and verified; each whole one that no other pack holds is copied into a new pack (read back \
                before anything is removed); the index files are written anew without the damaged packs, which \
                are then removed. What could not be salvaged is lost: repair snapshots then writes the \
                snapshots that used it anew without it. It takes the exclusive lock.

                Examples:
                  amber check --read-data          # names the damaged pack
                  amber repair packs 5f2a91c0
                  amber repair snapshots --forget  # drops what was lost from the snapshots
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The damaged packs: ids or unique prefixes.")
        var packs: [String] = []

        func run() throws {
            try Exit.run {
                guard !packs.isEmpty else { throw CLIError.usage("name the packs to repair (check --read-data names the damaged ones)") }
                let report = try global.withLockedRepository(.exclusive) { repository in
                    let repair = PackRepair(repository: repository)
                    return try repair.run(try repair.resolve(packs))
                }
                if global.json {
                    Output.json(report, snakeCase: true)
                } else if !global.quiet {
                    for pack in report.packs {
                        var line = "pack \(pack.pack.prefix(8)): salvaged \(pack.salvaged) blobs, \(pack.elsewhere) held by other packs, lost \(pack.lost.count)"
                        if let reason = pack.unreadable { line += " (the pack could not be read: \(reason))" }
                        Output.line(line + "; removed")
                    }
                    Output.line("wrote \(report.rewrittenIndexFiles) index files anew without the damaged packs")
                    if report.lostBlobs > 0 {
                        Output.line("\(report.lostBlobs) blobs are lost: run `amber repair snapshots --forget` to write the snapshots that used them anew without them")
                    }
                }
                return Exit.ok
            }
        }
    }
}
