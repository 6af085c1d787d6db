// A random generator-coroutine program for the talk's Scheduler, as data: a body is a list of
// instructions run in order (Yield, a nested Call of another body, Return, Throw) with an implicit
// `return None` at its end. SchedulerModelTests turns a body into a C# iterator (GenInterpreter) and
// into a simulation (TalkSchedulerModel), and checks the two agree. Printed compactly so that a
// shrunk counterexample reads as the program it is: Y = yield, C[...] = `x = yield from` (result
// read), F[...] = `yield from` (result dropped), R5 = return 5 (+ the results read so far), T3 = throw;
// a body printed with a trailing "!" has a finally block that throws.
using System.Globalization;
using CsCheck;

namespace Coop.Tests.Properties.Model;

public abstract record GenInstr;

public sealed record YieldInstr : GenInstr
{
    public override string ToString() => "Y";
}

public sealed record CallInstr(GenBody Child, bool ReadResult) : GenInstr
{
    public override string ToString() => (ReadResult ? "C" : "F") + Child;
}

public sealed record ReturnInstr(int Value) : GenInstr
{
    public override string ToString() => "R" + Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record ThrowInstr(int Code) : GenInstr
{
    public override string ToString() => "T" + Code.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A generator body; when <see cref="FinallyThrows"/>, its finally block throws after
/// logging (printed with a trailing "!").</summary>
public sealed record GenBody(GenInstr[] Instrs, bool FinallyThrows = false)
{
    /// <summary>True when running this body ends with a top-level Return (not a throw, not falling
    /// off the end): then a caller may read its result as an int.</summary>
    public bool ReturnsInt
    {
        get
        {
            foreach (var instr in Instrs)
            {
                switch (instr)
                {
                    case ReturnInstr:
                        return true;
                    case ThrowInstr:
                        return false;
                }
            }

            return false;
        }
    }

    public override string ToString() => "[" + string.Join(" ", Instrs.Select(i => i.ToString())) + "]" + (FinallyThrows ? "!" : "");
}

public static class GenProgramGen
{
    private static readonly Gen<GenInstr> Leaf = Gen.Frequency(
        (6, Gen.Const<GenInstr>(new YieldInstr())),
        (1, Gen.Int[0, 99].Select(v => (GenInstr)new ReturnInstr(v))),
        (1, Gen.Int[0, 9].Select(c => (GenInstr)new ThrowInstr(c))));

    /// <summary>A body whose calls nest at most <paramref name="depth"/> deep.</summary>
    public static Gen<GenBody> Body(int depth) =>
        (depth == 0
            ? Leaf
            : Gen.Frequency(
                (6, Leaf),
                (2, Gen.Select(Body(depth - 1), Gen.Bool, (child, read) => (GenInstr)new CallInstr(child, read)))))
        .Array[0, 6]
        .Select(Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))), (instrs, finallyThrows) => new GenBody(instrs, finallyThrows));

    /// <summary>Wraps <paramref name="body"/> in <paramref name="levels"/> frames that each call the
    /// next and return its result: a deep `yield from` chain.</summary>
    public static GenBody Chain(GenBody body, int levels)
    {
        for (var i = 0; i < levels; i++)
        {
            body = new GenBody([new CallInstr(body, body.ReturnsInt), new ReturnInstr(0)]);
        }

        return body;
    }

    /// <summary>A task's program: a body of random nesting depth, sometimes under a deep chain.</summary>
    public static readonly Gen<GenBody> Task =
        Gen.Int[0, 3].SelectMany(Body)
            .Select(Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 40])), Chain);

    /// <summary>Several tasks' programs.</summary>
    public static readonly Gen<GenBody[]> Tasks = Task.Array[1, 5];
}
