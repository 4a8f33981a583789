import Foundation

/// Process ids for tests of what is left behind by processes that died.
public enum DeadProcess {
    /// The PID of a process that has run and exited, so that no process has it (barring reuse
    /// of the PID within the test).
    public static func pid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
