namespace Coop.Tests.IO;

/// <summary>The I/O tests run alone, one at a time: their leak checks count the process's file
/// descriptors and managed heap, which concurrent tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IoSerial
{
    public const string Name = "I/O";
}
