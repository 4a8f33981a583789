/// A **profile**: one named entry of a profile file (`amber.yaml`) describing a whole backup
/// job — what to back up (``sources``), where (``repository``, copies kept by ``sync``), how
/// long to keep it (``forget``), how often to verify it (``check``), what to run around it
/// (``hooks``) and whom to tell (``monitor``). `amber run PROFILE` carries it out
/// (``RunPlan``, ``ProfileRunner``); `amber schedule` makes a timer run it.
public struct Profile: Sendable, Equatable {
    /// The profile's name: letters, digits, `-`, `_` and `.` (it names systemd units).
    public var name: String
    /// The repository backups go to (a directory or `s3:…`), as `-r` takes it.
    public var repository: String
    /// Where the repository password comes from; nil: the caller's environment (AMBER_PASSWORD…).
    public var password: PasswordSetting?
    /// Environment for every step and hook (S3 access key ids, AMBER_CACHE_DIR, …).
    public var environment: [String: String] = [:]
    /// Environment variables whose values are a command's first output line (secrets such as
    /// AWS_SECRET_ACCESS_KEY), each command run once per run.
    public var environmentCommands: [String: String] = [:]
    /// What to back up, in order. Sources with the same options go into one snapshot.
    public var sources: [SourceEntry] = []
    /// Tags every snapshot of the profile gets (and `forget` filters by).
    public var tags: [String] = []
    /// The host name recorded (and `forget` filters by); nil: this machine's.
    public var host: String?
    /// `--retry-lock` for every step: how long to wait for another process's lock.
    public var retryLock: String?
    /// Retention: `forget` after the backups (with `--prune` unless turned off); nil: none.
    public var forget: Retention?
    /// Verification after forget; nil: none.
    public var check: CheckPolicy?
    /// Locations the repository is copied to, still encrypted, after the rest (`amber sync`).
    public var sync: [SyncTarget] = []
    /// Commands run before and after.
    public var hooks = Hooks()
    /// Who is told how a run went.
    public var monitor: Monitor?

    public init(name: String, repository: String) {
        self.name = name
        self.repository = repository
    }
}

/// Where a profile's repository password comes from.
public enum PasswordSetting: Sendable, Equatable {
    /// A shell command whose first output line is the password (`password-command`).
    case command(String)
    /// A file whose first line is the password (`password-file`).
    case file(String)
    /// The password itself (`password`), written in the profile file: allowed, with a warning
    /// when others may read the file.
    case literal(String)
}

/// One entry of a profile's `sources`: a location as `amber backup` takes it and the backup
/// options that apply to it, already in command-line form (`--exclude`, `*.tmp`, …).
public struct SourceEntry: Sendable, Equatable {
    public var location: String
    public var options: [String]

    public init(location: String, options: [String] = []) {
        self.location = location
        self.options = options
    }
}

/// A profile's retention: `forget` flags as restic and `amber forget` take them.
public struct Retention: Sendable, Equatable {
    /// `--keep-…` options and their values, in file order (e.g. `["--keep-daily", "7"]`).
    public var options: [String]
    /// Whether `forget` also prunes (`--prune`); default true.
    public var prune: Bool

    public init(options: [String], prune: Bool = true) {
        self.options = options
        self.prune = prune
    }
}

/// A profile's verification: what `check` reads and how often it runs.
public struct CheckPolicy: Sendable, Equatable {
    /// `--read-data-subset` (`10%`, `1/7`), or nil.
    public var readDataSubset: String?
    /// `--read-data`: every pack.
    public var readData = false
    /// The least time between two checks, in seconds (`every: 7d`); nil: every run.
    public var every: Double?

    public init(readDataSubset: String? = nil, readData: Bool = false, every: Double? = nil) {
        self.readDataSubset = readDataSubset
        self.readData = readData
        self.every = every
    }
}

/// A copy of the repository that `amber sync` keeps.
public struct SyncTarget: Sendable, Equatable {
    public var location: String
    /// `--delete`: remove files the repository no longer has.
    public var delete = false
    /// `--verify`: read every copied file back.
    public var verify = false

    public init(location: String, delete: Bool = false, verify: Bool = false) {
        self.location = location
        self.delete = delete
        self.verify = verify
    }
}

/// Shell commands run around a profile's steps (`sh -c`).
///
/// - ``before``: before the first backup; one failing stops the run (exit 1, nothing backed up).
/// - ``after``: after every step succeeded; one failing makes the run a failure (exit 1).
/// - ``onFailure``: after a run failed, whatever failed; their own failures are only reported.
public struct Hooks: Sendable, Equatable {
    public var before: [String] = []
    public var after: [String] = []
    public var onFailure: [String] = []

    public init(before: [String] = [], after: [String] = [], onFailure: [String] = []) {
        self.before = before
        self.after = after
        self.onFailure = onFailure
    }
}

/// Who is told how a run went; a monitor that cannot be reached is a warning, never a failure.
///
/// - ``url``: healthchecks.io's convention: `URL/start` when the run starts, `URL` when it
///   succeeded, `URL/fail` when it failed, each a POST whose body is the end of the run's log.
/// - ``command``: run when the run ends, with `AMBER_RUN_RESULT` (`success` or `failure`),
///   `AMBER_EXIT_CODE`, `AMBER_FAILED_STEP` and `AMBER_PROFILE` set and the log's end on stdin.
public struct Monitor: Sendable, Equatable {
    public var url: String?
    public var command: String?
    /// Whether the start is pinged (`URL/start`); default true.
    public var pingsStart = true

    public init(url: String? = nil, command: String? = nil, pingsStart: Bool = true) {
        self.url = url
        self.command = command
        self.pingsStart = pingsStart
    }
}
