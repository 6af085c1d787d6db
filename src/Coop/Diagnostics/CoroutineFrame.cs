namespace Coop;

/// <summary>One frame of a task's await chain, or one named piece of code: the coroutine method and
/// where it stands in its source (where it waits, or where it last resumed).</summary>
/// <param name="Method">The method as a person names it: <c>Type.Method</c>, a local function as
/// <c>Type.Outer.Local</c>, a lambda as <c>lambda in Type.Outer</c>.</param>
/// <param name="File">The source file, if the program's symbols (its .pdb) say; else null.</param>
/// <param name="Line">The 1-based line in <paramref name="File"/>, or 0 if unknown.</param>
public sealed record CoroutineFrame(string Method, string? File, int Line)
{
    /// <summary>"Method (File.cs:42)", or the method alone when the line is unknown.</summary>
    public override string ToString() =>
        File == null || Line == 0 ? Method : $"{Method} ({Path.GetFileName(File)}:{Line.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
}
