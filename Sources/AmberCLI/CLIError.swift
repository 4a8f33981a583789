import AmberKit
import ArgumentParser
import Foundation

/// A failure for the user, with the exit code it maps to.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }

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

    /// Runs a command body: prints any error as `amber: …` on standard error and exits with
    /// its code. Installs the interrupt handler first.
    static func run(_ body: () throws -> Int32) throws {
        Interrupts.install()
        let code: Int32
        do {
            code = try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            let (message, exit) = describe(error)
            FileHandle.standardError.write(Data("amber: \(message)\n".utf8))
            code = exit
        }
        if code != ok { throw ExitCode(code) }
    }

    static func describe(_ error: any Error) -> (String, Int32) {
        switch error {
        case let e as CLIError: return (e.message, e.exitCode)
        case let e as RepositoryError:
            switch e.code {
            case .noRepository: return (e.message, noRepository)
            case .wrongPassword: return (e.message, wrongPassword)
            case .locked: return (e.message, locked)
            default: return (e.message, Exit.error)
            }
        case let e as BackendError: return (e.description, Exit.error)
        case let e as FilesystemError: return (e.description, Exit.error)
        case let e as SourceError: return (e.description, Exit.error)
        case let e as ManifestError: return (e.message, Exit.error)
        case let e as PGError: return (e.description, Exit.error)
        case let e as SQLiteError: return (e.description, Exit.error)
        default: return ("\(error)", Exit.error)
        }
    }
}
