using System.Diagnostics;

namespace Coop.Tests.Support;

/// <summary>Runs a .NET program (a dll) with the dotnet host that runs the tests, as its own process,
/// and returns its exit code and what it wrote; a program that does not exit within the bound is
/// killed and fails the test.</summary>
public static class DotnetProcess
{
    public static (int ExitCode, string Output, string Error) Run(
        string dll, IEnumerable<string> args, TimeSpan limit, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(dll)} did not exit within {limit.TotalSeconds} s.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
