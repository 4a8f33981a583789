import AmberKit
import Foundation

/// Finds the password, as restic does: `--password-file` or `--password-command` (an option given
/// on the command line wins over both variables), else `AMBER_PASSWORD_FILE` or
/// `AMBER_PASSWORD_COMMAND` (both set is an error: they exclude each other), else
/// `AMBER_PASSWORD`, else a prompt on the terminal. The password is never printed, logged or
/// passed on a command line.
///
/// `copy` reads the source repository's password the same way from `--from-password-file`,
/// `--from-password-command` and the `AMBER_FROM_…` variables (restic's `RESTIC_FROM_…`).
struct PasswordSource {
    let file: String?
    let command: String?
    let environment: [String: String]
    /// `AMBER_` or `AMBER_FROM_`: the variables are PREFIX`PASSWORD`, PREFIX`PASSWORD_FILE`, PREFIX`PASSWORD_COMMAND`.
    var prefix = "AMBER_"
    /// How the options are spelled in messages (`--password` or `--from-password`).
    var optionPrefix = "--password"

    init(options: GlobalOptions) {
        file = options.passwordFile
        command = options.passwordCommand
        environment = options.environment
    }

    init(file: String?, command: String?, environment: [String: String], prefix: String, optionPrefix: String) {
        self.file = file
        self.command = command
        self.environment = environment
        self.prefix = prefix
        self.optionPrefix = optionPrefix
    }

    func read(confirm: Bool) throws -> [UInt8] {
        let env = environment
        let nonEmptyVariable = { (name: String) in env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var file = self.file, command = self.command
        if file != nil && command != nil {
            throw CLIError.usage("\(optionPrefix)-file and \(optionPrefix)-command exclude each other")
        }
        if file == nil && command == nil {
            (file, command) = (nonEmptyVariable(prefix + "PASSWORD_FILE"), nonEmptyVariable(prefix + "PASSWORD_COMMAND"))
            if file != nil && command != nil {
                throw CLIError.usage("\(prefix)PASSWORD_FILE and \(prefix)PASSWORD_COMMAND exclude each other: unset one")
            }
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.usage("cannot read the password file \(file)")
            }
            return try nonEmpty(firstLine(Array(data)), from: "the password file \(file)")
        }
        if let command {
            return try nonEmpty(firstLine(try run(command)), from: "the password command")
        }
        if let password = env[prefix + "PASSWORD"], !password.isEmpty {
            return Array(password.utf8)
        }
        guard isatty(0) == 1 else {
            throw CLIError.usage("no password given: set \(prefix)PASSWORD, \(prefix)PASSWORD_FILE or \(prefix)PASSWORD_COMMAND")
        }
        let first = try prompt("enter password for repository: ")
        if confirm {
            let second = try prompt("enter password again: ")
            guard first == second else { throw CLIError.usage("the passwords do not match") }
        }
        return try nonEmpty(first, from: "the prompt")
    }

    private func nonEmpty(_ password: [UInt8], from source: String) throws -> [UInt8] {
        guard !password.isEmpty else { throw CLIError.usage("\(source) gave an empty password") }
        return password
    }

    private func firstLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = bytes
        if let newline = line.firstIndex(of: 10) { line = Array(line[..<newline]) }
        if line.last == 13 { line.removeLast() }
        return line
    }

    private func prompt(_ text: String) throws -> [UInt8] {
        guard let raw = getpass(text) else { throw CLIError.usage("cannot read a password from the terminal") }
        defer { memset(raw, 0, strlen(raw)) }
        return Array(String(cString: raw).utf8)
    }

    private func run(_ command: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        let exit = ProcessExit(of: process)
        do {
            try process.run()
        } catch {
            throw CLIError.usage("cannot run the password command: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        exit.wait()
        guard process.terminationStatus == 0 else {
            throw CLIError.usage("the password command failed with exit status \(process.terminationStatus)")
        }
        return Array(data)
    }
}
