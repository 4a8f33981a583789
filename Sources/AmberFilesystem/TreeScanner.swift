#if canImport(Glibc)
import Glibc
#endif

/// Counts what a backup will read, for the progress display's ETA. Runs beside the backup.
public enum TreeScanner {
    public static func count(_ sources: [String]) -> (items: UInt64, bytes: UInt64) {
        var items: UInt64 = 0, bytes: UInt64 = 0
        func visit(_ path: PathBytes) {
            guard case .success(let st) = FileStatus.lstat(path) else { return }
            items += 1
            switch st.kind {
            case .file: bytes += st.size
            case .directory:
                guard let names = directoryNames(path) else { return }
                for name in names { visit(path.appending(name)) }
            default: break
            }
        }
        for source in sources { visit(PathBytes(source)) }
        return (items, bytes)
    }
}
