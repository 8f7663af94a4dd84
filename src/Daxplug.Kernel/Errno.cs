namespace Daxplug.Kernel;

/// <summary>
/// A Linux errno value. The model and every sysfs layer return these instead of throwing, exactly as the
/// kernel function they model returns <c>-errno</c>. Any value in 1..4095 is legal (notifier-error-inject can
/// inject arbitrary ones); the named members are the ones the model produces itself.
/// </summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    ERANGE = 34,
    ELOOP = 40,
    EOPNOTSUPP = 95,
    EHWPOISON = 133,
}

/// <summary>strerror(3) texts, as glibc prints them (what a shell shows after a failed write).</summary>
public static class ErrnoText
{
    /// <summary>The glibc message for <paramref name="errno"/>, e.g. "Invalid argument".</summary>
    public static string Describe(Errno errno) => errno switch
    {
        Errno.None => "Success",
        Errno.EPERM => "Operation not permitted",
        Errno.ENOENT => "No such file or directory",
        Errno.EINTR => "Interrupted system call",
        Errno.EIO => "Input/output error",
        Errno.ENXIO => "No such device or address",
        Errno.E2BIG => "Argument list too long",
        Errno.EBADF => "Bad file descriptor",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.ENOMEM => "Cannot allocate memory",
        Errno.EACCES => "Permission denied",
        Errno.EBUSY => "Device or resource busy",
        Errno.EEXIST => "File exists",
        Errno.ENODEV => "No such device",
        Errno.ENOTDIR => "Not a directory",
        Errno.EISDIR => "Is a directory",
        Errno.EINVAL => "Invalid argument",
        Errno.ENOSPC => "No space left on device",
        Errno.ERANGE => "Numerical result out of range",
        Errno.ELOOP => "Too many levels of symbolic links",
        Errno.EOPNOTSUPP => "Operation not supported",
        Errno.EHWPOISON => "Memory page has hardware error",
        _ => $"Unknown error {(int)errno}",
    };

    /// <summary>The symbolic name ("EINVAL"), or the number for values without a name.</summary>
    public static string Name(Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : ((int)errno).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
