import AmberRepository
import Foundation
import Synchronization

/// Carries out a ``RunPlan``: the environment commands and the password command once, the
/// monitor's start, the `before` hooks, each step as a child `amber` process, the `after`
/// hooks, and on failure the `on-failure` hooks; then the monitor's end and the
/// ``RunRecord``. It stops at the first step or hook that fails (a partial backup, exit 3, is
/// not a failure and the run goes on) and ends with the exit code of what failed.
public final class ProfileRunner: @unchecked Sendable {
    let plan: RunPlan
    /// The `amber` binary the steps run (this process's own).
    let executable: String
    /// The caller's environment, which the steps and hooks inherit.
    let environment: [String: String]
    let stateDirectory: String
    /// Where the run's own lines go (the CLI writes them to standard error).
    private let report: @Sendable (String) -> Void
    private let output = OutputTail()
    private let state = Mutex<(interrupted: Bool, child: ChildProcess?)>((false, nil))
    /// Where the children's standard output goes: standard error when standard output carries
    /// the run's JSON record.
    private let outputDestination: FileHandle

    public init(plan: RunPlan, executable: String, environment: [String: String], stateDirectory: String,
                keepsStandardOutput: Bool = false, say: @escaping @Sendable (String) -> Void) {
        outputDestination = keepsStandardOutput ? FileHandle.standardError : FileHandle.standardOutput
        self.plan = plan
        self.executable = executable
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.report = say
    }

    /// Says a line of the run's own, and keeps it in the log the monitor receives.
    private func say(_ line: String) {
        report(line)
        output.append(Array((line + "\n").utf8))
    }

    /// Stops the run (SIGINT, SIGTERM): the step running is sent SIGTERM and nothing after it starts.
    public func interrupt() {
        state.withLock { state in
            state.interrupted = true
            state.child?.terminate()
        }
    }

    /// Runs the plan and returns its record (also saved in the state directory).
    public func run() -> RunRecord {
        let profile = plan.profile
        let started = Date()
        var record = RunRecord(profile: profile.name, started: RFC3339.format(started), finished: "", result: .success,
                               exitCode: 0, failedStep: nil, steps: [],
                               lastCheck: RunRecord.load(profile: profile.name, directory: stateDirectory)?.lastCheck)
        var failure: (step: String, code: Int32)?
        let environments: Environments
        do {
            environments = try Environments(profile: profile, caller: environment)
        } catch {
            say(error.description)
            environments = Environments(failedFor: profile, caller: environment)
            failure = ("environment", 1)
        }
        let monitor = MonitorClient(monitor: profile.monitor, say: { [self] in say($0) })
        monitor.started()
        if failure == nil {
            failure = runHooks(profile.hooks.before, "before hook", environments.hooks, into: &record)
        }
        if failure == nil {
            if let note = plan.checkNote { say(note) }
            for (index, step) in plan.steps.enumerated() {
                say("step \(index + 1)/\(plan.steps.count): \(step.commandLine)")
                let code = execute(executable, step.arguments, environments.steps.merging(step.environment) { $1 }, name: step.kind.rawValue, into: &record)
                if code == 3 { record.result = .partial }
                if code == 0, step.kind == .check { record.lastCheck = RFC3339.format(Date()) }
                if code != 0, code != 3 { failure = (step.kind.rawValue, code); break }
            }
        }
        if failure == nil {
            failure = runHooks(profile.hooks.after, "after hook", environments.hooks, into: &record)
        }
        if let failure {
            record.result = state.withLock { $0.interrupted } ? .interrupted : .failure
            record.failedStep = failure.step
            record.exitCode = record.result == .interrupted ? 130 : failure.code
        } else if record.result == .partial {
            record.exitCode = 3
        }
        if record.result != .success {
            let hookEnvironment = environments.hooks.merging(Self.outcomeVariables(record)) { $1 }
            _ = runHooks(profile.hooks.onFailure, "on-failure hook", hookEnvironment, into: &record, afterFailure: true)
        }
        record.finished = RFC3339.format(Date())
        say("run \(profile.name): \(record.result.rawValue)" + (record.failedStep.map { " at \($0)" } ?? "") + ", exit code \(record.exitCode)")
        monitor.finished(record, log: output.text, environment: environments.hooks.merging(Self.outcomeVariables(record)) { $1 })
        do { try record.save(directory: stateDirectory) } catch { say("warning: \(error.description)") }
        return record
    }

    /// The variables an on-failure hook and the monitor's command see.
    static func outcomeVariables(_ record: RunRecord) -> [String: String] {
        ["AMBER_PROFILE": record.profile, "AMBER_RUN_RESULT": record.result.rawValue,
         "AMBER_EXIT_CODE": String(record.exitCode), "AMBER_FAILED_STEP": record.failedStep ?? ""]
    }

    /// Runs hooks in order; the first failing one ends them, except `afterFailure` (the
    /// on-failure hooks: each runs, even after an interrupt).
    private func runHooks(_ commands: [String], _ kind: String, _ environment: [String: String],
                          into record: inout RunRecord, afterFailure: Bool = false) -> (step: String, code: Int32)? {
        for (index, command) in commands.enumerated() {
            let name = "\(kind) \(index + 1)"
            say("\(name): \(command)")
            let code = execute("/bin/sh", ["-c", command], environment, name: name, into: &record, evenIfInterrupted: afterFailure)
            guard code != 0 else { continue }
            say("\(name) failed with exit code \(code)")
            if !afterFailure { return (name, 1) }
        }
        return nil
    }

    /// Runs one child to its end, its output passed through (and its end kept for the
    /// monitor); returns its exit code (128 + N when a signal N ended it, 127 when it could not
    /// start, 130 without starting it once the run is interrupted unless `evenIfInterrupted`).
    private func execute(_ path: String, _ arguments: [String], _ environment: [String: String], name: String,
                         into record: inout RunRecord, evenIfInterrupted: Bool = false) -> Int32 {
        let started = Date()
        let relays = [output.relay(to: outputDestination), output.relay(to: FileHandle.standardError)]
        // Started under the lock, so an interrupt either comes before (nothing starts) or finds the child.
        let child: Result<ChildProcess?, ProfileError> = state.withLock { state in
            if !evenIfInterrupted, state.interrupted { return .success(nil) }
            let spawned = Result { () throws(ProfileError) in
                try ChildProcess.spawn(path, arguments, environment: environment, output: relays[0].writeEnd, error: relays[1].writeEnd)
            }
            if case let .success(child) = spawned { state.child = child }
            return spawned.map { $0 }
        }
        for relay in relays { relay.closeWriteEnd() }
        var code: Int32
        switch child {
        case .success(nil):
            code = 130
        case let .success(child?):
            code = child.wait()
            state.withLock { $0.child = nil }
        case let .failure(error):
            say("\(name): \(error.description)")
            code = 127
        }
        for relay in relays { relay.finish() }
        if !evenIfInterrupted, state.withLock({ $0.interrupted }), code == 0 { code = 130 }
        record.steps.append(RunRecord.Step(name: name, exitCode: code, seconds: (Date().timeIntervalSince(started) * 100).rounded() / 100))
        return code
    }
}
