// What every Coop analyzer does first: skip generated code, run concurrently, and register its actions
// only in a compilation that references Coop, with Coop's symbols resolved once for it.
using Microsoft.CodeAnalysis.Diagnostics;

namespace Coop.Analyzers;

/// <summary>The base of Coop's analyzers: <see cref="Register"/> runs once per compilation that references Coop.</summary>
public abstract class CoopAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CoopSymbols.TryCreate(start.Compilation) is { } coop)
            {
                Register(start, coop);
            }
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references Coop.</summary>
    protected abstract void Register(CompilationStartAnalysisContext context, CoopSymbols coop);
}
