namespace Coop.Tests.Support;

/// <summary>Collects what a loop's exception handler receives.</summary>
public static class Errors
{
    public static List<LoopError> Capture(EventLoop loop)
    {
        var errors = new List<LoopError>();
        loop.ExceptionHandler = ((_, e) =>
        {
            lock (errors)
            {
                errors.Add(e);
            }
        });
        return errors;
    }
}
