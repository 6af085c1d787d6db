namespace Coop.Tests.Support;

/// <summary>The process's open file descriptors, child processes and managed heap at one moment, to
/// check that I/O work gives back what it took: take one, run the work, then <see cref="AssertNoLeak"/>.
/// The file descriptor count is exact (/proc/self/fd, Linux; the runtime's open assembly files left out), and so is the count of children (every
/// process in /proc whose parent is this one, zombies included); the heap is compared after full collections,
/// within a slack for what the runtime caches on first use (run the work once before taking the
/// snapshot, so that the check sees steady state). Use it in tests that do not run in parallel with
/// others (the I/O collection), since it sees the whole process.</summary>
public sealed class ResourceSnapshot
{
    private readonly Dictionary<string, string> _descriptors; // fd number -> what it is (its /proc link)

    private ResourceSnapshot(Dictionary<string, string> descriptors, int childProcesses, long heapBytes)
    {
        _descriptors = descriptors;
        FileDescriptors = descriptors.Count;
        ChildProcesses = childProcesses;
        HeapBytes = heapBytes;
    }

    /// <summary>Open file descriptors (0 where /proc/self/fd does not exist).</summary>
    public int FileDescriptors { get; }

    /// <summary>Child processes of this process, running or zombie (-1 where /proc does not exist).</summary>
    public int ChildProcesses { get; }

    public long HeapBytes { get; }

    public static ResourceSnapshot Take()
    {
        var heap = CollectedHeap();
        return new ResourceSnapshot(Descriptors(), CountChildProcesses(), heap);
    }

    /// <summary>This process's children, running or zombie, by scanning /proc (-1 without it).</summary>
    public static int CountChildProcesses()
    {
        if (!Directory.Exists("/proc/self"))
        {
            return -1;
        }

        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == self)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }

    /// <summary>Fails if file descriptors are still open that were not at the snapshot, or if the
    /// heap grew by more than <paramref name="heapSlackBytes"/>. Finalizers get a moment to close
    /// what the work dropped, as they would in a long-running program.</summary>
    public void AssertNoLeak(long heapSlackBytes = 512 * 1024)
    {
        var fds = CountFileDescriptors();
        for (var attempt = 0; attempt < 50 && fds > FileDescriptors; attempt++)
        {
            CollectedHeap();
            Thread.Sleep(10); // a socket .NET's own threads still hold a moment longer
            fds = CountFileDescriptors();
        }

        Assert.True(fds <= FileDescriptors, $"{fds - FileDescriptors} file descriptor(s) leaked: {FileDescriptors} open before, {fds} after; new: {NewDescriptors()}.");
        var children = CountChildProcesses();
        Assert.True(children <= ChildProcesses, $"{children - ChildProcesses} child process(es) left behind (running or zombie): {ChildProcesses} before, {children} after.");
        var heap = CollectedHeap();
        Assert.True(heap - HeapBytes <= heapSlackBytes, $"The managed heap grew by {heap - HeapBytes} bytes (slack {heapSlackBytes}).");
    }

    private static int CountFileDescriptors() => Descriptors().Count;

    /// <summary>The open descriptors but the assemblies' files: the runtime keeps an assembly's file open
    /// once it loads it, and it loads some on first use, whichever test happens to touch them first
    /// (a framework assembly appeared during the process tests, opened twice): not a leak of the code
    /// under test.</summary>
    private static Dictionary<string, string> Descriptors()
    {
        var descriptors = new Dictionary<string, string>();
        if (Directory.Exists("/proc/self/fd"))
        {
            foreach (var path in Directory.GetFileSystemEntries("/proc/self/fd"))
            {
                var link = LinkOf(path);
                if (!link.EndsWith(".dll", StringComparison.Ordinal))
                {
                    descriptors[Path.GetFileName(path)] = link;
                }
            }
        }

        return descriptors;
    }

    private static string LinkOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "?";
        }
        catch (IOException)
        {
            return "closed meanwhile";
        }
    }

    /// <summary>The descriptors open now that were not at the snapshot, with what they are (a leak
    /// message names "socket:[...]", "anon_inode:[eventpoll]", a pipe).</summary>
    private string NewDescriptors() =>
        string.Join(", ", Descriptors().Where(d => !_descriptors.TryGetValue(d.Key, out var was) || was != d.Value).Select(d => $"{d.Key} -> {d.Value}"));

    private static long CollectedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
