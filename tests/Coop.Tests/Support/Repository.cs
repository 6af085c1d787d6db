namespace Coop.Tests.Support;

/// <summary>The repository the tests were built from: its root is the folder above the test binaries
/// that holds Coop.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No folder holding Coop.sln was found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository's root folder.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path under the root, from a relative path written with forward slashes.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
}
