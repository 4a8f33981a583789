import AmberCore
import Foundation

/// A PostgreSQL client program (`pg_dump`, `pg_restore`) that Amber runs as a child process, as
/// pgcopydb does: the schema of a database is what `pg_dump` says it is.
///
/// A program is looked for in this order (``find(_:serverMajor:environment:)``):
/// 1. the directory `AMBER_PG_BINDIR` names, if set;
/// 2. Debian's `/usr/lib/postgresql/N/bin` for the server's major version `N` (package
///    `postgresql-client-N`);
/// 3. the newest `/usr/lib/postgresql/M/bin` with `M > N`, then the one on `PATH` if its
///    version is at least `N` (`pg_dump` refuses a server newer than itself).
///
/// The connection is passed with `--dbname` as `key='value'` words without the password, which
/// goes in the child's environment (`PGPASSWORD`) only: a command line is visible to every user
/// of the machine, an environment only to its owner.
public struct PGClientProgram: Sendable, CustomStringConvertible {
    /// `pg_dump` or `pg_restore`.
    public let name: String
    /// The executable's path.
    public let path: String
    /// Its major version (15 for `pg_dump (PostgreSQL) 15.18`).
    public let majorVersion: Int

    public var description: String { "\(name) \(majorVersion) (\(path))" }

    /// Finds `name` for a server of major version `serverMajor`.
    ///
    /// - Throws: ``PGError/Code/clientProgram`` saying what to install when there is none.
    public static func find(_ name: String, serverMajor: Int,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(PGError) -> PGClientProgram {
        if let directory = environment["AMBER_PG_BINDIR"], !directory.isEmpty {
            let path = directory + "/" + name
            guard let major = version(of: path) else {
                throw PGError(code: .clientProgram, message: "AMBER_PG_BINDIR is \(directory), which holds no runnable \(name)")
            }
            return try atLeast(PGClientProgram(name: name, path: path, majorVersion: major), serverMajor)
        }
        let installed = debianVersions().filter {
            $0 >= serverMajor && FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/\(name)")
        }
        if let major = installed.contains(serverMajor) ? serverMajor : installed.max() {
            return PGClientProgram(name: name, path: "/usr/lib/postgresql/\(major)/bin/\(name)", majorVersion: major)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/\(name)"
            guard FileManager.default.isExecutableFile(atPath: path), let major = version(of: path) else { continue }
            return try atLeast(PGClientProgram(name: name, path: path, majorVersion: major), serverMajor)
        }
        throw PGError(code: .clientProgram, message: "\(name) for PostgreSQL \(serverMajor) not found: install "
                      + "postgresql-client-\(serverMajor) (Debian, Ubuntu) or set AMBER_PG_BINDIR to the directory holding it")
    }

    private static func atLeast(_ program: PGClientProgram, _ serverMajor: Int) throws(PGError) -> PGClientProgram {
        guard program.majorVersion >= serverMajor else {
            throw PGError(code: .clientProgram, message: "\(program) is older than the server (PostgreSQL \(serverMajor)): "
                          + "install postgresql-client-\(serverMajor) or set AMBER_PG_BINDIR")
        }
        return program
    }

    /// The major versions under `/usr/lib/postgresql` that have a `bin` directory.
    private static func debianVersions() -> [Int] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return entries.compactMap(Int.init).filter { FileManager.default.fileExists(atPath: "/usr/lib/postgresql/\($0)/bin") }
    }

    /// The major version `path --version` prints (`pg_dump (PostgreSQL) 15.18 …`), or nil.
    static func version(of path: String) -> Int? {
        guard FileManager.default.isExecutableFile(atPath: path),
              let output = try? PGClientProgram(name: "", path: path, majorVersion: 0).run(["--version"], connection: nil) else {
            return nil
        }
        let words = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard let index = words.firstIndex(of: "(PostgreSQL)"), index + 1 < words.count else { return nil }
        return Int(words[index + 1].prefix { $0.isNumber })
    }

    /// Runs the program to its end with `arguments` (and `--dbname` for `connection`), and returns
    /// what it wrote to standard output.
    ///
    /// - Throws: ``PGError/Code/clientProgram`` with the program's own message when it cannot be
    ///   started or exits with a failure.
    public func run(_ arguments: [String], connection: PGConnectionInfo?) throws(PGError) -> Data {
        try start(arguments, connection: connection).wait()
    }

    /// Starts the program; ``Running/wait()`` collects its output. Its standard output and error
    /// are read meanwhile, so it never blocks on a full pipe. Its standard input is empty (input
    /// goes in files: writing to a child that exits early would raise SIGPIPE here).
    public func start(_ arguments: [String], connection: PGConnectionInfo?) throws(PGError) -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + (connection.map { ["--dbname=\($0.keywordsWithoutPassword)"] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        if let password = connection?.password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let exit = ProcessExit(of: process)
        do {
            try process.run()
        } catch {
            throw PGError(code: .clientProgram, message: "\(self) could not be started: \(error.localizedDescription)")
        }
        return Running(program: self, process: process, exit: exit, output: output, errors: errors, connection: connection)
    }

    /// A started program.
    public final class Running: @unchecked Sendable {
        private let program: PGClientProgram
        private let process: Process
        private let exit: ProcessExit
        private let connection: PGConnectionInfo?
        private let done = DispatchGroup()
        private var output = Data(), errors = Data()

        fileprivate init(program: PGClientProgram, process: Process, exit: ProcessExit, output: Pipe, errors: Pipe,
                         connection: PGConnectionInfo?) {
            self.program = program
            self.process = process
            self.exit = exit
            self.connection = connection
            DispatchQueue.global().async(group: done) { self.output = output.fileHandleForReading.readDataToEndOfFile() }
            DispatchQueue.global().async(group: done) { self.errors = errors.fileHandleForReading.readDataToEndOfFile() }
        }

        /// Waits for the program to end and returns its standard output.
        ///
        /// - Throws: ``PGError/Code/clientProgram`` with its first lines of standard error (the
        ///   password scrubbed) when it exits with a failure or a signal.
        public func wait() throws(PGError) -> Data {
            done.wait()
            exit.wait()
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                let text = String(decoding: errors, as: UTF8.self).split(separator: "\n").prefix(3).joined(separator: " ")
                let message = connection?.scrub(text) ?? text
                let how = process.terminationReason == .exit ? "exit \(process.terminationStatus)" : "signal \(process.terminationStatus)"
                throw PGError(code: .clientProgram, message: "\(program.name) \(program.majorVersion) failed (\(how)): \(message)",
                              connection: connection?.redacted)
            }
            return output
        }

        /// Waits for the program to end and returns its standard error (the password scrubbed),
        /// whatever its exit status: for `psql` running a script past its errors.
        ///
        /// - Throws: ``PGError/Code/clientProgram`` when it ends by a signal.
        public func waitForErrors() throws(PGError) -> String {
            done.wait()
            exit.wait()
            let text = String(decoding: errors, as: UTF8.self)
            guard process.terminationReason == .exit else {
                throw PGError(code: .clientProgram, message: "\(program.name) \(program.majorVersion) failed (signal \(process.terminationStatus))",
                              connection: connection?.redacted)
            }
            return connection?.scrub(text) ?? text
        }
    }

    /// Runs the program to its end and returns its standard error (``Running/waitForErrors()``).
    public func runCollectingErrors(_ arguments: [String], connection: PGConnectionInfo?) throws(PGError) -> String {
        try start(arguments, connection: connection).waitForErrors()
    }
}
