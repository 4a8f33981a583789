import AmberKit
import ArgumentParser
import Foundation

/// Options every repository command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("repo")], help: "Repository location (default: $AMBER_REPOSITORY).")
    var repository: String?

    @Option(name: .customLong("retry-lock"), help: "Wait up to this long (30s, 5m, 1h) for another process's conflicting lock to go, as restic.")
    var retryLock: String?

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
        let (backend, password) = try backendAndPassword()
        return warnOfCopies(try Repository.open(backend: backend, password: password))
    }

    /// Opens the repository named by the options; also returns the password that opened it
    /// (`key rotate` and `key retire` wrap the new keys under it).
    func openRepositoryKeepingPassword() throws -> (Repository, [UInt8]) {
        let (backend, password) = try backendAndPassword()
        return (warnOfCopies(try Repository.open(backend: backend, password: password)), password)
    }

    /// Opens the repository named by the options, hashing its packs on the other cores while the
    /// key derivation runs (``PackDigests``; a local repository only): for `check --read-data`.
    func openRepositoryHashingPacks() throws -> (Repository, PackDigests?) {
        let (backend, password) = try backendAndPassword()
        let digests = PackDigests.start(backend)
        do {
            return (warnOfCopies(try Repository.open(backend: backend, password: password)), digests)
        } catch {
            // Exiting while a hashing thread is inside OpenSSL would run its exit handlers under
            // it: stop the hashing first (a wrong password, a damaged key file).
            digests?.stop()
            throw error
        }
    }

    /// Shows what opening read from a copy (a damaged config or key file) as warnings.
    private func warnOfCopies(_ repository: Repository) -> Repository {
        if !quiet {
            for note in repository.copyNotes { Output.error("warning: \(note)") }
            repository.reportSkippedSnapshots { Output.error("warning: \($0)") }
        }
        return repository
    }

    /// Opens the repository on another thread while `body` runs, and returns both: the key
    /// derivation takes a quarter to half a second (two cores or one), which `body` (opening a
    /// backup's sources: reading and sorting an NDJSON file, taking a database's snapshot) uses
    /// meanwhile.
    /// The password is read first, here, so a prompt comes before anything else.
    func openingRepository<T>(while body: () throws -> T) throws -> (Repository, T) {
        let (backend, password) = try backendAndPassword()
        let opening = Opening(backend: backend, password: password)
        let value: T
        do {
            value = try body()
        } catch {
            // Exiting while the other thread is inside OpenSSL would run its exit handlers under
            // it (a crash): wait for it, whatever it found.
            _ = try? opening.repository()
            throw error
        }
        return (warnOfCopies(try opening.repository()), value)
    }

    /// The backend, checked to hold a repository (told apart before asking for a password), and
    /// the password.
    private func backendAndPassword() throws -> (any Backend, [UInt8]) {
        let backend = try self.backend()
        if !(try backend.exists(.config)) {
            throw RepositoryError(.noRepository, "there is no repository at \(backend.location)")
        }
        return (backend, try password())
    }

    /// Opens the repository, locks it in `mode` for `body` (released on return and on Ctrl-C).
    func withLockedRepository<T>(_ mode: LockMode, _ body: (Repository) throws -> T) throws -> T {
        let repository = try openRepository()
        let lock = try self.lock(repository, mode: mode)
        Interrupts.onInterrupt { lock.release() }
        defer { lock.release() }
        return try body(repository)
    }

    /// Takes a lock on the repository, waiting up to `--retry-lock` for a conflicting one to go.
    func lock(_ repository: Repository, mode: LockMode) throws -> RepositoryLock {
        try RepositoryLock.acquire(repository, mode: mode, retryingFor: try retryLockSeconds())
    }

    /// `--retry-lock` in seconds (0 without it).
    func retryLockSeconds() throws -> Double {
        guard let retryLock else { return 0 }
        guard let seconds = Self.duration(retryLock) else {
            throw CLIError.usage("--retry-lock \"\(retryLock)\" is not a duration (e.g. 30s, 5m, 1h30m)")
        }
        return seconds
    }

    /// Seconds of a duration written as Go writes them: `90s`, `5m`, `1h30m`, `1.5h`.
    static func duration(_ text: String) -> Double? { Durations.seconds(text, units: "smh", allowsZero: true) }

    /// Loads the repository's index; a damaged index file (its packs then indexed from their own
    /// headers) is a warning on standard error, not a failure.
    func loadIndex(_ repository: Repository) throws {
        try repository.loadIndex()
        if !repository.indexDamage.isEmpty, !quiet { Output.error("warning: \(repository.indexDamage.summary)") }
    }

    /// Whether a progress display belongs on standard error.
    /// How long operations show progress: a line on a terminal; with `--json`, status lines on
    /// standard output when it is a terminal or `AMBER_PROGRESS_FPS` (a positive number) asks for them (a tool
    /// reading the output then gets them; a pipe gets none by default); nothing with `--quiet`.
    var progressStyle: ProgressDisplay.Style {
        if quiet { return .none }
        if json {
            let asked = environment["AMBER_PROGRESS_FPS"].flatMap(Double.init).map { $0 > 0 } ?? false
            return isatty(1) == 1 || asked ? .json : .none
        }
        return isatty(2) == 1 ? .line : .none
    }
}

/// A repository being opened on a thread of its own (``GlobalOptions/openingRepository(while:)``).
private final class Opening: @unchecked Sendable {
    private var result: Result<Repository, RepositoryError>?
    private let done = DispatchSemaphore(value: 0)

    init(backend: any Backend, password: [UInt8]) {
        let thread = Thread { [self] in
            result = Result { () throws(RepositoryError) in try Repository.open(backend: backend, password: password) }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the repository, or throws what opening it threw.
    func repository() throws -> Repository {
        done.wait()
        return try result!.get()
    }
}
