import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The test support that starts child processes: every test that runs `leadlight`, node or python3 relies on it.
@Suite struct ChildProcessTests {
    /// Foundation's `Process.run()` crashed the whole test run once about 1,360 descriptors were open; a child
    /// started here with more open than that works, and inherits none of them, not even ones without
    /// close-on-exec.
    @Test func aChildStartsWithOnlyItsOwnDescriptorsHoweverManyAreOpenHere() async throws {
        OpenFileLimit.raise()
        let nullDevice = open("/dev/null", O_RDONLY)
        try #require(nullDevice >= 0)
        var extra: [Int32] = []
        defer { for descriptor in extra + [nullDevice] { close(descriptor) } }
        // at least 1,500 open in this process (whatever other tests hold now), and at least 100 of them ours
        let openNow = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        let wanted = max(100, 1_500 - openNow)
        for _ in 0..<wanted {
            let copy = dup(nullDevice)  // dup clears close-on-exec: these would be inherited but for closefrom
            guard copy >= 0 else { break }
            extra.append(copy)
        }
        try #require(extra.count == wanted, "could not open \(wanted) descriptors")

        let child = try ChildProcess.spawn("/bin/ls", ["/proc/self/fd"], environment: [:], stdout: .pipe)
        let output = await ChildProcess.blocking { ChildProcess.readToEnd(child.stdout!) }
        #expect(await child.exitStatus() == 0)
        // stdin, stdout, stderr, and the directory ls has open to list them
        let descriptors = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(descriptors.sorted() == ["0", "1", "2", "3"])
    }

    @Test func theExitStatusOrTheSignalThatEndedTheChildIsReported() async throws {
        let exits = try ChildProcess.spawn("/bin/sh", ["-c", "exit 3"], environment: [:])
        #expect(await exits.exitStatus() == 3)

        let sleeps = try ChildProcess.spawn("/bin/sleep", ["60"], environment: [:])
        sleeps.signal(SIGKILL)
        #expect(await sleeps.exitStatus() == SIGKILL)
        #expect(await sleeps.exitStatus() == SIGKILL, "a second wait gets the same answer")
    }

    @Test func inputOutputDirectoryAndEnvironmentAreTheChildsAsGiven() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logFile = directory.appendingPathComponent("stderr.log")

        let child = try ChildProcess.spawn(
            "/bin/sh", ["-c", "pwd; echo \"$ONLY_THIS\"; env | wc -l; cat; echo to stderr >&2"],
            environment: ["ONLY_THIS": "é \"quoted\""], directory: directory, stdin: .pipe, stdout: .pipe,
            stderr: .file(logFile)
        )
        await ChildProcess.blocking {
            child.stdin!.write(Data("from stdin\n".utf8))
            try? child.stdin!.close()
        }
        let output = await ChildProcess.blocking { ChildProcess.readToEnd(child.stdout!) }
        #expect(await child.exitStatus() == 0)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == directory.resolvingSymlinksInPath().path)
        #expect(lines.dropFirst().first == "é \"quoted\"")
        // sh adds PWD (and may add SHLVL, OLDPWD); nothing of ours comes through
        #expect(Int(lines.dropFirst(2).first?.trimmingCharacters(in: .whitespaces) ?? "") ?? 99 <= 4)
        #expect(lines.last == "from stdin")
        #expect(try String(contentsOf: logFile, encoding: .utf8) == "to stderr\n")
    }

    @Test func aProgramThatCannotBeStartedIsAnError() {
        #expect(throws: ChildProcess.SpawnFailure.self) {
            try ChildProcess.spawn("/nonexistent/program", [], environment: [:])
        }
    }
}
