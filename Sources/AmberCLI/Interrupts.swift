import AmberKit
import Dispatch
import Foundation
import Synchronization

/// SIGINT/SIGTERM handling: run the registered cleanups (release locks), remove the sort
/// directories (``ScratchDirectories``), then exit 130.
enum Interrupts {
    private static let cleanups = Mutex<[@Sendable () -> Void]>([])
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    static func install() {
        sources.withLock { list in
            guard list.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    for cleanup in cleanups.withLock({ $0 }) { cleanup() }
                    // Sort runs hold source documents in plaintext: never leave them behind.
                    ScratchDirectories.removeAll()
                    FileHandle.standardError.write(Data("\namber: interrupted\n".utf8))
                    // _exit: no exit handlers, which would run OpenSSL's cleanup under a thread
                    // still deriving the key (a backup unlocks the repository on its own thread).
                    _exit(Exit.interrupted)
                }
                source.resume()
                list.append(source)
            }
        }
    }

    /// Registers work to do before exiting on an interrupt.
    static func onInterrupt(_ cleanup: @escaping @Sendable () -> Void) {
        cleanups.withLock { $0.append(cleanup) }
    }
}
