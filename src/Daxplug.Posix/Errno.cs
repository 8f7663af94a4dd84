namespace Daxplug.Posix;

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
