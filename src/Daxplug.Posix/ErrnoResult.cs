namespace Daxplug.Posix;

/// <summary>A system call's (or a modelled store's) return value: a count when it succeeded, else <c>-errno</c>.</summary>
public static class ErrnoResult
{
    /// <summary>The errno in <paramref name="countOrNegativeErrno"/>, or <see cref="Errno.None"/> for a count.</summary>
    public static Errno Of(long countOrNegativeErrno) => countOrNegativeErrno < 0 ? (Errno)(-countOrNegativeErrno) : Errno.None;
}
