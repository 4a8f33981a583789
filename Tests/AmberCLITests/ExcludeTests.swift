import Foundation
import Testing

/// Exclusions as restic makes them, judged by restic itself: the same tree backed up by the real
/// restic and by amber with the same options holds the same paths (`restic ls` against
/// `amber ls`). Then `--files-from`, and options that cannot be used, which change nothing.
@Suite(.serialized)
struct ExcludeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// A tree with something for every option to leave out (or keep).
    private func makeTree(_ root: String) throws {
        for directory in ["a/cache", "b/Build", "c/d/e", "deep/x/node_modules/pkg", "Docs", ".hidden", "f/g"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        let files: [(String, [UInt8])] = [
            ("a/keep.txt", Array("keep\n".utf8)), ("a/drop.tmp", Array("tmp\n".utf8)),
            ("a/cache/CACHEDIR.TAG", Array("Signature: 8a477f597d28d172789f06886806bc55\n# cache\n".utf8)), ("a/cache/data", [1, 2, 3]),
            ("b/Build/CACHEDIR.TAG", Array("Signature: not the right one\n".utf8)), ("b/Build/out.o", [0]), ("b/main.c", Array("int main;\n".utf8)),
            ("c/d/big.bin", pseudoRandomBytes(20_000, seed: 7)), ("c/d/e/small", [9]), ("c/.nobackup", []),
            ("deep/x/node_modules/pkg/index.js", Array("x\n".utf8)), ("deep/x/app.js", Array("y\n".utf8)),
            ("Docs/README.MD", Array("# docs\n".utf8)), ("Docs/Notes.TMP", Array("notes\n".utf8)), (".hidden/h", [4]),
            ("f/g/MARK", Array("HEADER and more".utf8)), ("f/g/inside", [5]), ("f/MARK", Array("other".utf8)), ("f/h", [6]),
        ]
        for (path, bytes) in files { writeFile(root + "/" + path, bytes) }
    }

    @Test func theSamePathsAsRestic() throws {
        let executable = try #require(ResticRunner.locate(), """
            restic is not installed: this test compares exclusions with the real restic binary. \
            Install it with scripts/install-deps (Debian package "restic").
            """)
        let root = temp.sub("t")
        try makeTree(root)
        let excludeFile = temp.sub("excludes.txt")
        writeFile(excludeFile, Array("# one pattern a line\n   *.o   \n\n$TREE/deep/**/node_modules\n".utf8))
        let options = ["--exclude", "*.tmp", "--iexclude", "docs/*.md", "--exclude-file", excludeFile, "--exclude-caches",
                       "--exclude-if-present", ".nobackup", "--exclude-if-present", "MARK:HEADER", "--exclude-larger-than", "10K",
                       "--exclude", root + "/.hidden", "--exclude", "c/**/small"]

        let restic = try ResticRunner(executable: executable, repository: temp.sub("restic-repo"), environment: ["TREE": root])
        try restic.run(["init"])
        try restic.run(["backup"] + options + [root])
        let parent = (root as NSString).deletingLastPathComponent
        let resticPaths = try restic.run(["ls", "latest"]).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix(root) }.map { String($0.dropFirst(parent.count)) }.sorted()

        var runner = amber
        runner.extraEnvironment["TREE"] = root
        #expect(runner.run(["init"]).code == 0)
        let backup = runner.run(["backup"] + options + [root])
        #expect(backup.code == 0, "\(backup.stderr)")
        let amberPaths = runner.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init).sorted()
        #expect(amberPaths == resticPaths)
        // What the options were for: kept, and left out.
        for kept in ["/t/a/keep.txt", "/t/a/cache/CACHEDIR.TAG", "/t/b/Build/CACHEDIR.TAG", "/t/c/.nobackup", "/t/f/g/MARK", "/t/f/h",
                     "/t/Docs/Notes.TMP", "/t/deep/x/app.js"] {
            #expect(amberPaths.contains(kept), "\(kept)")
        }
        for left in ["/t/a/drop.tmp", "/t/a/cache/data", "/t/b/Build/out.o", "/t/c/d", "/t/deep/x/node_modules", "/t/Docs/README.MD",
                     "/t/.hidden", "/t/f/g/inside"] {
            #expect(!amberPaths.contains(left), "\(left)")
        }
    }

    /// `-x`: a file system mounted inside the tree (a tmpfs, which needs root: CI runs as root) is
    /// stored as an empty directory, as the real restic stores it with `--one-file-system`.
    @Test(.enabled(if: geteuid() == 0)) func oneFileSystemStopsAtAMountPoint() throws {
        let executable = try #require(ResticRunner.locate(), "restic is not installed (scripts/install-deps)")
        let root = temp.sub("t")
        try makeTree(root)
        let mountPoint = root + "/mounted"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try runTool(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint])
        defer { _ = try? runTool(["umount", mountPoint]) }
        writeFile(mountPoint + "/on-tmpfs.txt", Array("elsewhere\n".utf8))

        let restic = try ResticRunner(executable: executable, repository: temp.sub("restic-repo"), environment: [:])
        try restic.run(["init"])
        try restic.run(["backup", "-x", root])
        let parent = (root as NSString).deletingLastPathComponent
        let resticPaths = try restic.run(["ls", "latest"]).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix(root) }.map { String($0.dropFirst(parent.count)) }.sorted()
        #expect(amber.run(["init"]).code == 0)
        let backup = amber.run(["backup", "-x", root])
        #expect(backup.code == 0, "\(backup.stderr)")
        let amberPaths = amber.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init).sorted()
        #expect(amberPaths == resticPaths)
        #expect(amberPaths.contains("/t/mounted") && !amberPaths.contains("/t/mounted/on-tmpfs.txt"), "\(amberPaths)")
        // Without -x the mounted file is stored.
        #expect(amber.run(["backup", root]).code == 0)
        #expect(amber.run(["ls", "latest"]).stdout.contains("/t/mounted/on-tmpfs.txt"))
    }

    @Test func filesFromListsPaths() throws {
        let root = temp.sub("t")
        try makeTree(root)
        let list = temp.sub("list.txt")
        writeFile(list, Array("# the docs and every .js under deep\n\(root)/Docs\n\n\(root)/deep/x/*.js\n".utf8))
        #expect(amber.run(["init"]).code == 0)
        let backup = amber.run(["backup", "--files-from", list])
        #expect(backup.code == 0, "\(backup.stderr)")
        let paths = amber.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init).sorted()
        #expect(paths == ["/Docs", "/Docs/Notes.TMP", "/Docs/README.MD", "/app.js"])
        // Excludes apply to the listed paths themselves, as restic applies them.
        let objects = temp.sub("objects.txt")
        writeFile(objects, Array("\(root)/b/Build/out.o\n\(root)/b/main.c\n".utf8))
        #expect(amber.run(["backup", "--files-from", objects, "--exclude", "*.o"]).code == 0)
        #expect(amber.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init) == ["/main.c"])
        let raw = temp.sub("list.raw")
        writeFile(raw, Array("\(root)/a\u{0}\(root)/f/h\u{0}".utf8))
        #expect(amber.run(["backup", "--files-from-raw", raw]).code == 0)
        #expect(amber.run(["ls", "latest"]).stdout.split(separator: "\n").contains("/h"))
    }

    /// Negated patterns (`!…`, as restic's manual describes them): the last pattern that matches
    /// decides, an anchored pattern matches what is below the path it names too, and what is
    /// inside a directory already excluded stays out (restic's and gitignore's limitation).
    /// (The restic of Debian 12 predates negation, so the expected paths are written out.)
    @Test func negatedPatternsKeepWhatTheyMatch() throws {
        let root = temp.sub("t")
        try makeTree(root)
        #expect(amber.run(["init"]).code == 0)
        // The manual's example: everything below the root out, then some of it back.
        let selection = amber.run(["backup", "--exclude", root + "/**/*", "--exclude", "!" + root + "/c", "--exclude", "!" + root + "/b/main.c",
                                   "--exclude", "*.bin", root])
        #expect(selection.code == 0, "\(selection.stderr)")
        let paths = Set(amber.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init))
        #expect(paths == ["/t", "/t/c", "/t/c/.nobackup", "/t/c/d", "/t/c/d/e", "/t/c/d/e/small"], "\(paths.sorted())")

        // Relative: every .tmp out but Notes.TMP (case-insensitive list); a directory excluded stays out.
        let relative = amber.run(["backup", "--iexclude", "*.tmp", "--iexclude", "!notes.tmp", "--exclude", "a", "--exclude", "!keep.txt", root])
        #expect(relative.code == 0, "\(relative.stderr)")
        let kept = Set(amber.run(["ls", "latest"]).stdout.split(separator: "\n").map(String.init))
        #expect(kept.contains("/t/Docs/Notes.TMP") && kept.contains("/t/Docs/README.MD"), "\(kept.sorted())")
        #expect(kept.isDisjoint(with: ["/t/a", "/t/a/keep.txt", "/t/a/drop.tmp"]), "\(kept.sorted())")
        // A negation in the other list does not cancel an exclusion (restic keeps the two apart).
        let crossed = amber.run(["backup", "--exclude", "*.TMP", "--iexclude", "!notes.tmp", root])
        #expect(crossed.code == 0)
        #expect(!amber.run(["ls", "latest"]).stdout.contains("/t/Docs/Notes.TMP"))
    }

    /// Options that cannot be used are refused before anything is written, naming the problem.
    @Test func unusableOptionsChangeNothing() throws {
        let root = temp.sub("t")
        try makeTree(root)
        #expect(amber.run(["init"]).code == 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo")).sorted()
        for (options, message) in [(["--exclude-file", temp.sub("missing.txt")], "missing.txt: cannot read the exclude file"),
                                   (["--exclude", "!"], "an empty exclude pattern"),
                                   (["--exclude", "a[bc"], "[ that is not closed"),
                                   (["--exclude-larger-than", "ten"], "not a size"),
                                   (["--files-from", temp.sub("none.txt")], "cannot read the list of files")] {
            let result = amber.run(["backup"] + options + [root])
            #expect(result.code == 1 && result.stderr.contains(message), "\(options): \(result.stderr)")
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo")).sorted() == before)
    }
}
