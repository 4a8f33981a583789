import Foundation

/// The cluster-wide objects a database's backup keeps with `--globals`: roles (with their
/// attributes, passwords when readable, and memberships) and tablespaces, as
/// `pg_dumpall --globals-only` writes them, a SQL script for `psql`.
///
/// A restore with `--globals` runs the script with `psql` before anything else, as a user of
/// `pg_dumpall` would: a role or tablespace that already exists is an error `psql` reports and
/// passes over (``run(on:)`` returns those messages as warnings).
public struct PostgresGlobals: Codable, Sendable, Hashable {
    /// The script, as `pg_dumpall --globals-only` printed it.
    public var sql: String
    /// The major version of the `pg_dumpall` that wrote it.
    public var programVersion: Int
    /// True when role passwords were not readable (a user that is not a superuser cannot read
    /// `pg_authid`): the roles are kept without them (`--no-role-passwords`).
    public var withoutPasswords: Bool?

    /// Runs `pg_dumpall --globals-only` (the program for the server's major version) against
    /// the server of `connection`. Without the right to read passwords, runs it again with
    /// `--no-role-passwords` and says so (``withoutPasswords``).
    ///
    /// - Throws: ``PGError/Code/clientProgram`` when there is no `pg_dumpall` or it fails.
    public static func capture(from connection: PGConnection) throws(PGError) -> PostgresGlobals {
        let program = try PGClientProgram.find("pg_dumpall", serverMajor: connection.serverMajor)
        do {
            let sql = try program.run(["--globals-only"], connection: connection.info)
            return PostgresGlobals(sql: withoutRestrictKey(sql), programVersion: program.majorVersion)
        } catch where error.message.contains("permission denied") {
            let sql = try program.run(["--globals-only", "--no-role-passwords"], connection: connection.info)
            return PostgresGlobals(sql: withoutRestrictKey(sql), programVersion: program.majorVersion, withoutPasswords: true)
        }
    }

    /// The script without the `\restrict KEY` and `\unrestrict KEY` lines of newer `pg_dumpall`s:
    /// their key is random, so an unchanged server would give new bytes every day. ``run(on:)``
    /// puts the script between a fresh pair again.
    static func withoutRestrictKey(_ output: Data) -> String {
        String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict ") && !$0.hasPrefix("\\unrestrict ") }.joined(separator: "\n")
    }

    /// Runs the script with `psql` (the server's major version or newer) on the server of
    /// `connection`, going on past errors as `pg_dumpall`'s scripts expect. Returns the errors
    /// `psql` printed (a role that exists already, …), for the restore to show as warnings.
    ///
    /// - Throws: ``PGError/Code/clientProgram`` when there is no `psql` or it cannot run.
    public func run(on connection: PGConnection) throws(PGError) -> [String] {
        let program = try PGClientProgram.find("psql", serverMajor: connection.serverMajor)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("amber-globals-\(UUID().uuidString).sql")
        do {
            // psql runs the script restricted (no meta-command of its own runs), as pg_dumpall's would.
            let key = (0..<32).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! }
            let script = "\\restrict \(String(key))\n" + sql + "\n\\unrestrict \(String(key))\n"
            try Data(script.utf8).write(to: file, options: [.withoutOverwriting])
        } catch {
            throw PGError(code: .clientProgram, message: "cannot write the globals script to \(file.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try program.runCollectingErrors(["-X", "-q", "-v", "ON_ERROR_STOP=0", "-f", file.path], connection: connection.info)
        return result.split(separator: "\n").map(String.init).filter { $0.contains("ERROR") }
    }
}
