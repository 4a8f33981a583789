import AmberKit
import ArgumentParser
import Foundation

/// A command line that cannot be carried out as given.
struct CLIError: AmberError {
    let message: String

    static func usage(_ message: String) -> CLIError { CLIError(message: message) }

    var category: ErrorCategory { .usage }
    var description: String { message }
}

/// The documented exit codes.
enum Exit {
    static let ok: Int32 = 0
    static let error: Int32 = 1
    static let partial: Int32 = 3
    static let noRepository: Int32 = 10
    static let locked: Int32 = 11
    static let wrongPassword: Int32 = 12
    static let interrupted: Int32 = 130

    /// Whether errors are written as JSON (`--json` on the command line): one
    /// `{"message_type":"exit_error","code":N,"message":"…"}` line on standard error, as restic.
    nonisolated(unsafe) static var jsonErrors = false

    /// Writes the message a command ends with, and its exit code, on standard error.
    static func report(_ message: String, code: Int32) {
        guard jsonErrors else {
            FileHandle.standardError.write(Data("amber: \(message)\n".utf8))
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = (try? encoder.encode(ExitErrorMessage(code: code, message: message))) ?? Data()
        FileHandle.standardError.write(line + Data("\n".utf8))
    }

    /// Runs a command body: prints any error as `amber: …` on standard error and exits with
    /// its code. Installs the interrupt handler first, unless the command handles them itself (`run`).
    static func run(installsInterruptHandler: Bool = true, _ body: () throws -> Int32) throws {
        if installsInterruptHandler { Interrupts.install() }
        let code: Int32
        do {
            code = try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            let (message, exit) = describe(error)
            report(message, code: exit)
            code = exit
        }
        if code != ok { throw ExitCode(code) }
    }

    /// The message and exit code of an error: the code follows its ``ErrorCategory`` whatever
    /// layer raised it; an error that is not an ``AmberError`` exits 1.
    static func describe(_ error: any Error) -> (String, Int32) {
        guard let error = error as? any AmberError else { return ("\(error)", Exit.error) }
        return (error.description, code(for: error.category))
    }

    /// The documented exit code of a category of failure.
    static func code(for category: ErrorCategory) -> Int32 {
        switch category {
        case .noRepository: return noRepository
        case .locked: return locked
        case .wrongPassword: return wrongPassword
        case .usage, .notFound, .damaged, .io, .remote: return Exit.error
        }
    }
}

/// The `--json` form of the error a command ends with.
struct ExitErrorMessage: Encodable {
    var messageType = "exit_error"
    let code: Int32
    let message: String

    enum CodingKeys: String, CodingKey { case messageType = "message_type", code, message }
}
