import AmberKit
import ArgumentParser
import Foundation

/// Options every repository command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("repo")], help: "Repository location (default: $AMBER_REPOSITORY).")
    var repository: String?

    @Option(name: .customLong("password-file"), help: "Read the password from this file (default: $AMBER_PASSWORD_FILE).")
    var passwordFile: String?

    @Option(name: .customLong("password-command"), help: "Run this shell command and use its output as the password (default: $AMBER_PASSWORD_COMMAND).")
    var passwordCommand: String?

    @Flag(name: .long, help: "Print machine-readable JSON on standard output.")
    var json = false

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The repository location, or a usage error.
    func location() throws -> String {
        if let repository, !repository.isEmpty { return repository }
        if let env = environment["AMBER_REPOSITORY"], !env.isEmpty { return env }
        throw CLIError.usage("no repository given: use -r/--repo or set AMBER_REPOSITORY")
    }

    /// The storage backend for the location.
    func backend() throws -> any Backend {
        try BackendLocation.open(try self.location(), environment: environment)
    }

    /// The password, from the first source that has one.
    func password(confirm: Bool = false) throws -> [UInt8] {
        try PasswordSource(options: self).read(confirm: confirm)
    }

    /// Opens the repository named by the options.
    func openRepository() throws -> Repository {
        let backend = try self.backend()
        // Tell a missing repository apart before asking for a password.
        if !(try backend.exists(.config)) {
            throw RepositoryError(.noRepository, "there is no repository at \(backend.location)")
        }
        return try Repository.open(backend: backend, password: try password())
    }

    /// Loads the repository's index; a damaged index file (its packs then indexed from their own
    /// headers) is a warning on standard error, not a failure.
    func loadIndex(_ repository: Repository) throws {
        try repository.loadIndex()
        if !repository.indexDamage.isEmpty, !quiet { Output.error("warning: \(repository.indexDamage.summary)") }
    }

    /// Whether a progress display belongs on standard error.
    var showsProgress: Bool { !json && !quiet && isatty(2) == 1 }
}
