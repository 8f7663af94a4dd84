namespace Daxplug.Posix;

/// <summary>
/// A failed system call that the caller cannot answer with a value: "what: strerror text", and the errno itself.
/// The sysfs layers return <see cref="Errno"/> values instead; this is for setting up (mounts, sockets, files).
/// </summary>
public sealed class ErrnoException(string what, Errno errno) : IOException($"{what}: {ErrnoText.Describe(errno)}")
{
    public Errno Errno { get; } = errno;

    /// <summary>
    /// The errno the last native call left (each is imported with SetLastError), as an exception. The one place
    /// where errno becomes one.
    /// </summary>
    internal static ErrnoException FromLastErrno(string what) => new(what, Interop.LastErrno());
}
