using System.Runtime.Versioning;
using Coop.Processes;

namespace Coop.Tests.Processes;

[UnsupportedOSPlatform("windows")]
public class LaunchSpecTests
{
    [Fact]
    public void Create_BareName_IsFoundInTheChildsPath()
    {
        var directory = Directory.CreateTempSubdirectory("coop-path-");
        try
        {
            var tool = Path.Combine(directory.FullName, "coop-tool");
            File.WriteAllText(tool, "#!/bin/sh\n");
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var spec = LaunchSpec.Create("coop-tool", ["a"], new ProcessOptions
            {
                Environment = new Dictionary<string, string?> { ["PATH"] = "/nowhere:" + directory.FullName },
            });

            Assert.Equal(tool, spec.Path);
            Assert.Equal("coop-tool", spec.Program);
            Assert.Contains("PATH=/nowhere:" + directory.FullName, spec.Environment);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Create_FileWithoutExecutePermissionOnPath_IsSkipped()
    {
        var directory = Directory.CreateTempSubdirectory("coop-path-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "coop-data"), "not a program");
            Assert.Throws<FileNotFoundException>(() => LaunchSpec.Create("coop-data", null, new ProcessOptions
            {
                Environment = new Dictionary<string, string?> { ["PATH"] = directory.FullName },
            }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Create_NoPathVariable_SearchesTheDefaultPath()
    {
        var spec = LaunchSpec.Create("sh", null, new ProcessOptions { InheritEnvironment = false });

        Assert.True(spec.Path is "/bin/sh" or "/usr/bin/sh", spec.Path);
        Assert.Empty(spec.Environment);
    }

    [Fact]
    public void Command_QuotesWhatAShellWouldSplit()
    {
        var spec = LaunchSpec.Create("sh", ["-c", "echo it's", ""], new ProcessOptions());

        Assert.Equal("sh -c 'echo it'\\''s' ''", spec.Command);
    }

    [Fact]
    public void Create_EmptyProgram_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LaunchSpec.Create("", null, new ProcessOptions()));
        Assert.Throws<ArgumentNullException>(() => LaunchSpec.Create("true", [null!], new ProcessOptions()));
    }
}
