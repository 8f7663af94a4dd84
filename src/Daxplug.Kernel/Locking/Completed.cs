namespace Daxplug.Kernel.Locking;

/// <summary>
/// Synchronous callers of the model (boot, FUSE threads, tests, a controller on its own thread): under real locks
/// or a thread-per-agent scheduler every model call has completed by the time it returns, so its result is taken
/// at once. A call that suspended (an agent of the single-threaded lab scheduler reached a model call that is not
/// awaited) is a bug in the caller, and says so.
/// </summary>
public static class Completed
{
    public static T Sync<T>(this ValueTask<T> task) => task.IsCompleted
        ? task.Result
        : throw new InvalidOperationException("a model call suspended under a synchronous caller; await it instead");

    public static void Sync(this ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("a model call suspended under a synchronous caller; await it instead");
        }

        task.GetAwaiter().GetResult();
    }
}
