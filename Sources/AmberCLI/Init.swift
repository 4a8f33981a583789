import AmberKit
import ArgumentParser

extension Amber {
    /// `amber init`: creates a repository.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new repository.",
            discussion: """
                Examples:
                  amber -r /srv/amber init
                  amber -r s3:https://s3.example.com/bucket/amber init
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let backend = try global.backend()
                let password = try global.password(confirm: true)
                let testing = global.environment["AMBER_SCRYPT_TESTING"] == "1"
                let repository = try Repository.initialize(backend: backend, password: password,
                                                           scrypt: testing ? .testing : .calibrated())
                if global.json {
                    Output.json(["id": repository.config.repositoryID.hex, "repository": backend.location])
                } else if !global.quiet {
                    Output.line("created amber repository \(repository.config.repositoryID.shortHex) at \(backend.location)")
                    Output.line("Please note that knowledge of your password is required to access the repository. Losing your password means that your data is irrecoverably lost.")
                }
                return Exit.ok
            }
        }
    }
}
