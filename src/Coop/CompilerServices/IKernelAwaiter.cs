using System.ComponentModel;

namespace Coop.CompilerServices;

/// <summary>Marks Coop's own awaiters, the narrow door through which async coroutines suspend
/// (STYLE 2): yield, wait on a future, await a coroutine. The builder lets them park the task
/// directly; any other awaiter (a BCL Task, say) is "foreign" and resumes through the inbox.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IKernelAwaiter;
