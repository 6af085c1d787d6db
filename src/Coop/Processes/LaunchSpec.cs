// Everything needed to start one child, checked and resolved in the parent before anything starts, so
// that a mistake is an exception naming it: a program not found on PATH (FileNotFoundException), a
// working directory that does not exist (DirectoryNotFoundException), a NUL character in an argument or
// a malformed variable name (ArgumentException). posix_spawn would report most of these as one ENOENT.
// The program is looked up the way execvp and Python's subprocess do: a name with a '/' is a path
// (relative to the child's working directory); a bare name is searched in the child's PATH.
namespace Coop.Processes;

internal sealed class LaunchSpec
{
    private const string DefaultPath = "/bin:/usr/bin"; // glibc's confstr(_CS_PATH), execvp's default

    private LaunchSpec(string program, string path, string[] arguments, string[] environment, string? workingDirectory, ProcessOptions options)
    {
        Program = program;
        Path = path;
        Arguments = arguments;
        Environment = environment;
        WorkingDirectory = workingDirectory;
        Options = options;
    }

    /// <summary>The program as the caller named it: the child's argv[0].</summary>
    public string Program { get; }

    /// <summary>The file to execute.</summary>
    public string Path { get; }

    public string[] Arguments { get; }

    /// <summary>The child's whole environment, as NAME=value strings.</summary>
    public string[] Environment { get; }

    public string? WorkingDirectory { get; }

    public ProcessOptions Options { get; }

    /// <summary>The program and its arguments, for messages ("sh -c 'exit 3'").</summary>
    public string Command => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    public static LaunchSpec Create(string program, IEnumerable<string>? arguments, ProcessOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        CheckNoNul(program, nameof(program));
        var args = arguments?.ToArray() ?? [];
        foreach (var argument in args)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(arguments));
            CheckNoNul(argument, nameof(arguments));
        }

        string? workingDirectory = null;
        if (options.WorkingDirectory is { } directory)
        {
            workingDirectory = System.IO.Path.GetFullPath(directory);
            if (!Directory.Exists(workingDirectory))
            {
                throw new DirectoryNotFoundException($"Cannot start '{program}': its working directory '{workingDirectory}' does not exist.");
            }
        }

        var environment = BuildEnvironment(options);
        var path = Resolve(program, environment, workingDirectory);
        return new LaunchSpec(program, path, args, environment.Select(e => $"{e.Key}={e.Value}").ToArray(), workingDirectory, options);
    }

    private static Dictionary<string, string> BuildEnvironment(ProcessOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.InheritEnvironment)
        {
            foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                environment[(string)entry.Key] = (string?)entry.Value ?? "";
            }
        }

        if (options.Environment is { } changes)
        {
            foreach (var (name, value) in changes)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('=', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{name}' is not an environment variable name: it must be non-empty and contain no '='.", nameof(options));
                }

                CheckNoNul(name, nameof(options));
                if (value == null)
                {
                    environment.Remove(name);
                }
                else
                {
                    CheckNoNul(value, nameof(options));
                    environment[name] = value;
                }
            }
        }

        return environment;
    }

    private static string Resolve(string program, Dictionary<string, string> environment, string? workingDirectory)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = System.IO.Path.IsPathRooted(program) || workingDirectory == null ? System.IO.Path.GetFullPath(program) : System.IO.Path.Combine(workingDirectory, program);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Cannot start '{program}': {path} does not exist.", path);
            }

            return path;
        }

        var searched = environment.TryGetValue("PATH", out var value) ? value : DefaultPath;
        foreach (var directory in searched.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, program);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Cannot start '{program}': no executable of that name in PATH ({searched}).", program);
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & anyExecute) != 0);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void CheckNoNul(string value, string parameter)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A program, argument or environment variable cannot contain a NUL character: the C strings a child receives would end there.", parameter);
        }
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
