namespace Coop.Tests.Processes;

/// <summary>The process tests run alone, one at a time: their leak checks count the process's file
/// descriptors and children, and their signal tests send real signals to this process, which
/// concurrent tests would disturb or receive. After the last of them, <see cref="ProcessSuiteLeakCheck"/>
/// checks that the whole collection left no child and no descriptor behind.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessSerial : ICollectionFixture<ProcessSuiteLeakCheck>
{
    public const string Name = "Processes";
}
