import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber key list | add | remove ID | passwd`: the key files, one per password.
    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the repository's keys (one per password).",
            discussion: """
                Every key file wraps the same master key under its own password. New passwords come from \
                --new-password-file, AMBER_NEW_PASSWORD_FILE, AMBER_NEW_PASSWORD, or a prompt (asked twice).

                `key rotate` makes a new random data key that everything stored from then on is sealed \
                under; `key retire` then seals everything older anew under it and drops the old data \
                keys, so a copy of an old key file and its password no longer read the repository.

                Examples:
                  amber key list
                  amber key add --new-password-file ~/new-password
                  amber key rotate && amber key retire
                """,
            subcommands: [List.self, Add.self, Remove.self, Passwd.self, Rotate.self, Retire.self])
    }
}

/// Options of the key subcommands that take a new password.
struct NewPasswordOptions: ParsableArguments {
    @Option(name: .customLong("new-password-file"), help: "Read the new password from this file (default: $AMBER_NEW_PASSWORD_FILE).")
    var file: String?

    /// The new password: the file, then `AMBER_NEW_PASSWORD_FILE`, `AMBER_NEW_PASSWORD`, then a prompt asked twice.
    func read(_ environment: [String: String]) throws -> [UInt8] {
        if let path = file ?? environment["AMBER_NEW_PASSWORD_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.usage("cannot read the new password file \(path)") }
            var line = Array(data.prefix { $0 != 10 })
            if line.last == 13 { line.removeLast() }
            guard !line.isEmpty else { throw CLIError.usage("the new password file \(path) gives an empty password") }
            return line
        }
        if let password = environment["AMBER_NEW_PASSWORD"], !password.isEmpty { return Array(password.utf8) }
        guard isatty(0) == 1 else {
            throw CLIError.usage("no new password given: set AMBER_NEW_PASSWORD or AMBER_NEW_PASSWORD_FILE, or use --new-password-file")
        }
        let first = try prompt("enter new password: ")
        guard try prompt("enter new password again: ") == first else { throw CLIError.usage("the passwords do not match") }
        guard !first.isEmpty else { throw CLIError.usage("the new password is empty") }
        return first
    }

    private func prompt(_ text: String) throws -> [UInt8] {
        guard let raw = getpass(text) else { throw CLIError.usage("cannot read a password from the terminal") }
        defer { memset(raw, 0, strlen(raw)) }
        return Array(String(cString: raw).utf8)
    }
}

extension Amber.Key {
    /// Scrypt costs for a new key file: calibrated, or the cheap test costs under `AMBER_SCRYPT_TESTING=1`.
    static func scrypt(_ global: GlobalOptions) -> ScryptParameters {
        global.environment["AMBER_SCRYPT_TESTING"] == "1" ? .testing : .calibrated()
    }

    /// `amber key list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the key files; * marks the one that opened the repository.",
            discussion: """
                Examples:
                  amber key list --json
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let keys = try repository.listKeys()
                if global.json {
                    Output.json(keys.map(KeyJSON.init))
                    return Exit.ok
                }
                Output.line("   ID        Created                      scrypt N    r  p  generation")
                for key in keys {
                    let n = String(key.n)
                    Output.line("\(key.isCurrent ? "*" : " ")  \(key.name.prefix(8))  \(key.created.padding(toLength: 27, withPad: " ", startingAt: 0))  "
                                + "\(String(repeating: " ", count: max(0, 9 - n.count)))\(n)  \(key.r)  \(key.p)  \(key.generation)")
                }
                return Exit.ok
            }
        }
    }

    /// `amber key add`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a key file for a new password.",
            discussion: """
                Examples:
                  AMBER_NEW_PASSWORD_FILE=~/new-password amber key add
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var newPassword: NewPasswordOptions

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let password = try newPassword.read(global.environment)
                let lock = try global.lock(repository, mode: .shared)
                defer { lock.release() }
                let name = try repository.addKey(password: password, scrypt: Amber.Key.scrypt(global))
                if global.json {
                    Output.json(["id": name])
                } else if !global.quiet {
                    Output.line("added key \(name.prefix(8))")
                }
                return Exit.ok
            }
        }
    }

    /// `amber key remove ID`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a key file (an id prefix). The key in use and the last key cannot be removed.",
            discussion: """
                Examples:
                  amber key remove 4f2a
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The key file's id, or an unambiguous prefix of it.")
        var id: String

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let lock = try global.lock(repository, mode: .exclusive)
                defer { lock.release() }
                let name = try repository.resolveKey(prefix: id)
                try repository.removeKey(name)
                if global.json {
                    Output.json(["removed": name])
                } else if !global.quiet {
                    Output.line("removed key \(name.prefix(8))")
                }
                return Exit.ok
            }
        }
    }

    /// `amber key passwd`.
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the password: add a key for the new password, then remove the key in use.",
            discussion: """
                Examples:
                  amber key passwd --new-password-file ~/new-password
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var newPassword: NewPasswordOptions

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let password = try newPassword.read(global.environment)
                let lock = try global.lock(repository, mode: .exclusive)
                defer { lock.release() }
                let old = repository.keyName ?? ""
                let name = try repository.changePassword(to: password, scrypt: Amber.Key.scrypt(global))
                if global.json {
                    Output.json(["id": name, "removed": old])
                } else if !global.quiet {
                    Output.line("saved new key \(name.prefix(8)), removed key \(old.prefix(8))")
                }
                return Exit.ok
            }
        }
    }
}

/// A key file in `amber key list --json`.
struct KeyJSON: Encodable {
    let id: String
    let current: Bool
    let created: String
    let n: UInt64
    let r: UInt32
    let p: UInt32
    let generation: UInt16

    init(_ key: KeyInfo) {
        id = key.name
        current = key.isCurrent
        created = key.created
        n = key.n
        r = key.r
        p = key.p
        generation = key.generation
    }
}
