internal import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// A child process as a run starts it (`posix_spawn`): the signals a run handles or ignores
/// itself (SIGINT, SIGTERM, SIGPIPE, …) back at their defaults, no descriptor inherited but
/// standard input, output and error, and waited for with `waitpid`, so that a background
/// process a hook leaves behind holds up nothing.
struct ChildProcess {
    let pid: pid_t

    /// Starts `path` with `arguments` (after the program name) and exactly `environment`;
    /// standard input is `input` (nil: /dev/null).
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String],
                      input: Int32? = nil, output: Int32, error: Int32) throws(ProfileError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, error, 2)
        amber_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ProfileError("cannot start \(path): \(String(cString: strerror(result)))", category: .io) }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end: its exit status, or 128 + N when signal N ended it.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 127 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Asks the child to stop (SIGTERM).
    func terminate() { kill(pid, SIGTERM) }

    /// A pipe whose two ends close on exec (the child gets its end by `dup2` only).
    static func pipe() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        _ = amber_pipe_cloexec(&ends)
        return (ends[0], ends[1])
    }
}
