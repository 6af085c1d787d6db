// Where compiler-made code stands in its source, read from the program's symbols. An async method's
// or an iterator's state machine keeps the number of the await or yield it stopped at in its
// `<>1__state` field, and its MoveNext stores that number just before it suspends there: the store's
// IL offset, through the portable PDB's sequence points, is the file and line of that await. Nothing
// is read until a report asks, and what is read is kept per type, so a running program pays nothing.
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace Coop.Diagnostics;

internal static class SourceLines
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly ConcurrentDictionary<Assembly, MetadataReaderProvider?> s_symbols = new();
    private static readonly ConcurrentDictionary<Type, Machine?> s_machines = new();
    private static readonly ConcurrentDictionary<Type, StateReader> s_stateReaders = new();

    /// <summary>The frame <paramref name="frame"/> (a coroutine's box, an async task's root, a
    /// generator's iterator) describes, at the await or yield it is suspended at; at its method's
    /// start if it is running or has not started.</summary>
    public static CoroutineFrame Describe(object frame) => DescribeAt(frame, StateOf(frame).State);

    /// <summary>The frame at the suspension numbered <paramref name="state"/> (read earlier with
    /// <see cref="StateOf"/>: a running state machine says only "running").</summary>
    public static CoroutineFrame DescribeAt(object frame, int? state)
    {
        var machineType = s_stateReaders.GetOrAdd(frame.GetType(), StateReader.For).MachineType;
        if (machineType == null || s_machines.GetOrAdd(machineType, Read) is not { } machine)
        {
            // A frame written by hand (a socket operation) says what it is itself.
            return new CoroutineFrame(machineType == null && frame is Coroutine ? frame.ToString()! : NameOf(machineType ?? frame.GetType()), null, 0);
        }

        var at = state is { } s && machine.Suspensions.TryGetValue(s, out var point) ? point : machine.Start;
        return new CoroutineFrame(machine.Name, at.File, at.Line);
    }

    /// <summary>A delegate named by its declaring method and the line it starts at (lambdas included).</summary>
    public static CoroutineFrame Describe(Delegate callback) => Describe(callback.Method);

    /// <summary>A method named as a person knows it, with the line of its first statement.</summary>
    public static CoroutineFrame Describe(MethodInfo method)
    {
        var (file, line) = FirstLine(method);
        return new CoroutineFrame(DisplayName(method), file, line);
    }

    /// <summary>The code at <paramref name="ilOffset"/> of <paramref name="method"/> (a stack frame):
    /// a state machine's MoveNext is named after the coroutine method it was made from.</summary>
    public static CoroutineFrame DescribeCall(MethodInfo method, int ilOffset)
    {
        var (file, line) = ilOffset < 0 ? (null, 0) : LineAt(SequencePoints(method), ilOffset);
        return new CoroutineFrame(DisplayName(method), file, line);
    }

    /// <summary>A coroutine's type (a Coop box of a state machine, or the machine) named after its method.</summary>
    public static string NameOfMachine(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var machine, ..] && typeof(IAsyncStateMachine).IsAssignableFrom(machine)
            ? NameOf(machine)
            : NameOf(type);

    /// <summary>The number of the await or yield <paramref name="frame"/> is suspended at (negative:
    /// running, not started or ended), with its state machine's type.</summary>
    /// <remarks>Debug mode reads it at every task step, so the fields are looked up once per type.</remarks>
    public static (Type? Type, int? State) StateOf(object frame)
    {
        var reader = s_stateReaders.GetOrAdd(frame.GetType(), StateReader.For);
        return reader.Read is { } read ? (reader.MachineType, read(frame)) : (null, null);
    }

    /// <summary>What reads the state number of a frame of type <paramref name="frameType"/> (see
    /// <see cref="StateOf"/>); null if the type keeps none.</summary>
    public static Func<object, int>? StateReaderOf(Type frameType) => s_stateReaders.GetOrAdd(frameType, StateReader.For).Read;

    /// <summary>How to read a frame type's state, and the state machine's type (null for a frame that
    /// is no state machine): a delegate compiled once per type that reads the
    /// int field where it lies (inside a Coop box, the struct is not copied), since debug mode reads
    /// it at every task step and reflection's GetValue boxes the state and copies the machine.</summary>
    private sealed record StateReader(Type? MachineType, Func<object, int>? Read)
    {
        [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "State machine fields are used by their own code; a missing one leaves the frame without a line.")]
        [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As above.")]
        [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Without dynamic code the expression is interpreted: slower debug mode, same answers.")]
        public static StateReader For(Type type)
        {
            var boxed = type.GetField("StateMachine", BindingFlags.Instance | BindingFlags.Public);
            var machineType = boxed?.FieldType ?? type;
            if (StateField(machineType) is not { } state)
            {
                // A Coop box is named after the machine it holds even without a state to read.
                return new StateReader(boxed?.FieldType, null);
            }

            // frame => ((Box)frame).StateMachine.<>1__state, or frame => ((Machine)frame).<>1__state
            var frame = Expression.Parameter(typeof(object), "frame");
            Expression machine = Expression.Convert(frame, type);
            if (boxed != null)
            {
                machine = Expression.Field(machine, boxed);
            }

            var read = Expression.Lambda<Func<object, int>>(Expression.Field(machine, state), frame);
            return new StateReader(machineType, read.Compile());
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "As above.")]
    private static FieldInfo? StateField(Type type) => type.GetField("<>1__state", Members);

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "MoveNext is the state machine's own code.")]
    private static Machine? Read(Type type)
    {
        var moveNext = type.GetMethods(Members).FirstOrDefault(m => m.Name == "MoveNext" || m.Name.EndsWith(".MoveNext", StringComparison.Ordinal));
        var state = StateField(type);
        if (moveNext == null || state == null || moveNext.GetMethodBody()?.GetILAsByteArray() is not { } il)
        {
            return null;
        }

        var points = SequencePoints(moveNext);
        var suspensions = new Dictionary<int, (string? File, int Line)>();
        foreach (var (value, offset) in StateStores(il, token => IsField(moveNext.Module, token, state, type)))
        {
            if (value >= 0 && !suspensions.ContainsKey(value))
            {
                suspensions[value] = LineAt(points, offset);
            }
        }

        var start = points.FirstOrDefault(p => !p.IsHidden);
        return new Machine(NameOf(type), suspensions, (start.File, start.Line));
    }

    /// <summary>Each constant stored in the state field: <c>ldc.i4 k; [dup; stloc]; stfld state</c>.</summary>
    private static IEnumerable<(int Value, int Offset)> StateStores(byte[] il, Func<int, bool> isState)
    {
        for (var i = 1; i + 4 < il.Length; i++)
        {
            if (il[i] != 0x7D || !isState(BitConverter.ToInt32(il, i + 1)))
            {
                continue; // not stfld <>1__state
            }

            // An async method writes `num = (<>1__state = k)`: ldc k; dup; stloc; stfld.
            var k = i - 1;
            if (k >= 2 && il[k] is >= 0x0A and <= 0x0D && il[k - 1] == 0x25)
            {
                k -= 2;
            }
            else if (k >= 3 && il[k - 1] == 0x13 && il[k - 2] == 0x25)
            {
                k -= 3;
            }

            if (Constant(il, k) is { } value)
            {
                yield return (value, i);
            }
        }
    }

    /// <summary>True if <paramref name="token"/> names the state field: a field definition, or for a
    /// generic state machine (an iterator in a generic class) a reference to it through its type.</summary>
    private static bool IsField(Module module, int token, FieldInfo state, Type type)
    {
        if (token == state.MetadataToken)
        {
            return true;
        }

        if (token >> 24 != 0x0A || !type.IsGenericType)
        {
            return false; // not a member reference
        }

        try
        {
            return module.ResolveField(token, type.GetGenericArguments(), null) is { } field && field.MetadataToken == state.MetadataToken;
        }
        catch (ArgumentException)
        {
            return false; // a method reference, not a field
        }
    }

    private static int? Constant(byte[] il, int k) =>
        k < 0 ? null
        : il[k] is >= 0x15 and <= 0x1E ? il[k] - 0x16
        : k >= 1 && il[k - 1] == 0x1F ? (sbyte)il[k]
        : k >= 4 && il[k - 4] == 0x20 ? BitConverter.ToInt32(il, k - 3)
        : null;

    private static (string? File, int Line) LineAt(List<Point> points, int offset)
    {
        (string? File, int Line) found = (null, 0);
        foreach (var point in points)
        {
            if (point.Offset > offset)
            {
                break;
            }

            if (!point.IsHidden)
            {
                found = (point.File, point.Line);
            }
        }

        return found;
    }

    private static (string? File, int Line) FirstLine(MethodInfo method)
    {
        var first = SequencePoints(method).FirstOrDefault(p => !p.IsHidden);
        return (first.File, first.Line);
    }

    private static List<Point> SequencePoints(MethodBase method)
    {
        var points = new List<Point>();
        if (Symbols(method.Module.Assembly) is not { } provider)
        {
            return points;
        }

        try
        {
            var reader = provider.GetMetadataReader();
            var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken);
            foreach (var point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                var file = point.Document.IsNil ? null : reader.GetString(reader.GetDocument(point.Document).Name);
                points.Add(new Point(point.Offset, point.IsHidden, file, point.StartLine));
            }
        }
        catch (BadImageFormatException)
        {
            // Symbols that do not match the assembly: frames without lines, not a failed report.
        }

        points.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return points;
    }

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "A single-file app has no Location: frames then have no lines.")]
    private static MetadataReaderProvider? Symbols(Assembly assembly) => s_symbols.GetOrAdd(assembly, static a =>
    {
        try
        {
            if (string.IsNullOrEmpty(a.Location))
            {
                return null;
            }

            var pdb = Path.ChangeExtension(a.Location, ".pdb");
            if (File.Exists(pdb))
            {
                return MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
            }

            using var pe = new PEReader(File.OpenRead(a.Location));
            var embedded = pe.ReadDebugDirectory().FirstOrDefault(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
            return embedded.DataSize > 0 ? pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded) : null;
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return null; // no symbols: names without lines
        }
    });

    /// <summary>A method's name as its source spells it: lambdas and local functions unmangled.</summary>
    public static string DisplayName(MethodBase method)
    {
        if (method.Name == "MoveNext" && method.DeclaringType is { } machine && machine.Name.StartsWith('<'))
        {
            return NameOf(machine); // a state machine's step is its coroutine method's body
        }

        var owner = OwnerName(method.DeclaringType);
        var name = method.Name;
        if (name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) is var close and > 1)
        {
            var outer = name[1..close];
            var kind = close + 1 < name.Length ? name[close + 1] : ' ';
            if (kind == 'g' && name.IndexOf("__", close, StringComparison.Ordinal) is var at and > 0)
            {
                var local = name[(at + 2)..];
                return $"{owner}.{outer}.{local[..Math.Max(0, local.IndexOf('|', StringComparison.Ordinal))]}";
            }

            return $"lambda in {owner}.{outer}";
        }

        return $"{owner}.{name}";
    }

    /// <summary>A state machine's type named after the method it was made from.</summary>
    private static string NameOf(Type type)
    {
        var name = type.Name;
        if (!name.StartsWith('<'))
        {
            return type.Name;
        }

        // <Method>d__3, or <<Outer>g__Local|0_0>d for a local function.
        var owner = OwnerName(type.DeclaringType);
        if (name.StartsWith("<<", StringComparison.Ordinal) && name.IndexOf(">g__", StringComparison.Ordinal) is var g and > 0)
        {
            var local = name[(g + 4)..];
            var bar = local.IndexOf('|', StringComparison.Ordinal);
            return $"{owner}.{name[2..g]}.{(bar > 0 ? local[..bar] : local)}";
        }

        var close = name.IndexOf('>', StringComparison.Ordinal);
        return close > 1 ? $"{owner}.{name[1..close]}" : name;
    }

    private static string OwnerName(Type? type)
    {
        while (type != null && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType; // a closure class (<>c, <>c__DisplayClass) is its method's type
        }

        if (type == null)
        {
            return "?";
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick > 0 ? name[..tick] : name;
    }

    private readonly record struct Point(int Offset, bool IsHidden, string? File, int Line);

    private sealed record Machine(string Name, Dictionary<int, (string? File, int Line)> Suspensions, (string? File, int Line) Start);
}
