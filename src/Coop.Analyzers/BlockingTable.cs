// BlockingApi's table resolved against one compilation: member name → the types that declare it as
// blocking. A member matches when it, or a member it overrides, is declared on one of those types.
using Microsoft.CodeAnalysis;

namespace Coop.Analyzers;

/// <summary>The blocking members of <see cref="BlockingApi.All"/> that exist in one compilation.</summary>
public sealed class BlockingTable
{
    private readonly Dictionary<string, List<(INamedTypeSymbol Type, BlockingApi Api)>> _byName = new(StringComparer.Ordinal);
    private readonly List<INamedTypeSymbol> _ioStreams = [];

    /// <summary>Resolves the table's types in <paramref name="compilation"/>; types it lacks are skipped.</summary>
    public BlockingTable(Compilation compilation)
    {
        foreach (var api in BlockingApi.All)
        {
            foreach (var typeName in api.TypeNames)
            {
                if (compilation.GetTypeByMetadataName(typeName) is not { } type)
                {
                    continue;
                }

                foreach (var member in api.Members)
                {
                    if (!_byName.TryGetValue(member, out var entries))
                    {
                        _byName[member] = entries = [];
                    }

                    entries.Add((type, api));
                }
            }
        }

        foreach (var name in BlockingApi.IoStreamTypes)
        {
            if (compilation.GetTypeByMetadataName(name) is { } stream)
            {
                _ioStreams.Add(stream);
            }
        }
    }

    /// <summary>The entry <paramref name="member"/> blocks under, called on a <paramref name="receiverType"/>; null if it does not block.</summary>
    public BlockingApi? Find(ISymbol member, ITypeSymbol? receiverType)
    {
        if (!_byName.TryGetValue(member.Name, out var entries))
        {
            return null;
        }

        for (var m = member; m != null; m = Overridden(m))
        {
            foreach (var (type, api) in entries)
            {
                if (SymbolEqualityComparer.Default.Equals(m.ContainingType.OriginalDefinition, type) &&
                    (!api.OnIoStreamsOnly || IsIoStream(receiverType)))
                {
                    return api;
                }
            }
        }

        return null;
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol method => method.OverriddenMethod,
        IPropertySymbol property => property.OverriddenProperty,
        _ => null,
    };

    private bool IsIoStream(ITypeSymbol? type)
    {
        foreach (var stream in _ioStreams)
        {
            if (CoopSymbols.DerivesFrom(type, stream))
            {
                return true;
            }
        }

        return false;
    }
}
