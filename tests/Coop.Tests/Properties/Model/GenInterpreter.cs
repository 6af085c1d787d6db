// Turns a GenBody into a real generator coroutine for Coop: `yield return null` for Yield,
// Coroutine.Call<int> (or a plain `yield return inner`) for a nested call, Coroutine.Return for
// Return, a thrown ProgramException for Throw. Every frame logs when it starts and when its finally
// block runs, so the test can check disposal frame by frame.
namespace Coop.Tests.Properties.Model;

/// <summary>The exception a generated program throws on purpose.</summary>
public sealed class ProgramException(string message) : Exception(message);

public static class GenInterpreter
{
    public static IEnumerable<object?> Run(GenBody body, string frameId, List<string> log)
    {
        log.Add("enter " + frameId);
        try
        {
            var acc = 0;
            for (var i = 0; i < body.Instrs.Length; i++)
            {
                switch (body.Instrs[i])
                {
                    case YieldInstr:
                        yield return null;
                        break;
                    case CallInstr { ReadResult: true } call when call.Child.ReturnsInt:
                        var typed = Coroutine.Call<int>(Run(call.Child, ChildId(frameId, i), log));
                        yield return typed;
                        acc += typed.Result;
                        break;
                    case CallInstr { ReadResult: true } call:
                        var nullable = Coroutine.Call<int?>(Run(call.Child, ChildId(frameId, i), log));
                        yield return nullable;
                        acc += nullable.Result ?? 0;
                        break;
                    case CallInstr call:
                        yield return Run(call.Child, ChildId(frameId, i), log);
                        break;
                    case ReturnInstr ret:
                        yield return Coroutine.Return(ret.Value + acc);
                        yield break;
                    case ThrowInstr thrown:
                        throw new ProgramException(ThrowMessage(thrown, frameId));
                }
            }
        }
        finally
        {
            log.Add("finally " + frameId);
            if (body.FinallyThrows)
            {
#pragma warning disable CA2219 // on purpose: the scheduler must cope with a finally block that throws
                throw new ProgramException(FinallyMessage(frameId));
#pragma warning restore CA2219
            }
        }
    }

    public static string ChildId(string frameId, int index) => frameId + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string FinallyMessage(string frameId) => "finally " + frameId;

    public static string ThrowMessage(ThrowInstr thrown, string frameId) => $"boom {thrown.Code} in {frameId}";
}
