#:project ../src/Coop/Coop.csproj
#:project ../src/Coop.Talk/Coop.Talk.csproj
// 01: the talk's scheduler. Two cooperative searches interleave, one step each in turn.
// Run: dotnet run examples/01-scheduler.cs
using System.Numerics;
using Coop;
using Coop.Talk;

var scheduler = new Scheduler();
var first = scheduler.Add(Search(2, 1_000));
var second = scheduler.Add(Search(2, 100));
scheduler.RunToCompletion();
Console.WriteLine($"task {first} found {scheduler.CompletedTaskResults[first]}");
Console.WriteLine($"task {second} found {scheduler.CompletedTaskResults[second]}");

// A generator coroutine: `yield return null` hands control back, Coroutine.Return ends it.
static IEnumerable<object?> Search(BigInteger start, BigInteger atLeast)
{
    for (var x = start; ; x *= 3)
    {
        if (x >= atLeast)
        {
            yield return Coroutine.Return(x);
        }

        yield return null;
    }
}
