namespace Coop.Tests.Processes;

/// <summary>The process tests run alone, one at a time: their leak checks count the process's file
/// descriptors and children, and their signal tests send real signals to this process, which
/// concurrent tests would disturb or receive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessSerial
{
    public const string Name = "Processes";
}
