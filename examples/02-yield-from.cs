#:project ../src/Coop/Coop.csproj
#:project ../src/Coop.Talk/Coop.Talk.csproj
// 02: `yield from` in C#. An inner generator runs inside the caller's task; its bare yields reach the
// scheduler, and Coroutine.Call<T> lets the caller read what it returned.
// Run: dotnet run examples/02-yield-from.cs
using Coop;
using Coop.Talk;

var scheduler = new Scheduler(TextWriter.Null);
var id = scheduler.Add(CountPrimes(2, 50));
scheduler.RunToCompletion();
Console.WriteLine($"primes below 50: {scheduler.CompletedTaskResults[id]}");

static IEnumerable<object?> CountPrimes(int from, int to)
{
    var count = 0;
    for (var n = from; n < to; n++)
    {
        var isPrime = Coroutine.Call<bool>(IsPrime(n)); // matches = yield from async_is_prime(n)
        yield return isPrime;
        if (isPrime.Result)
        {
            count++;
        }
    }

    yield return Coroutine.Return(count);
}

static IEnumerable<object?> IsPrime(int x)
{
    for (var i = 2; i * i <= x; i++)
    {
        if (x % i == 0)
        {
            yield return Coroutine.Return(false);
        }

        yield return null; // let the other tasks run between divisions
    }

    yield return Coroutine.Return(true);
}
