using System.Text;
using Daxplug.Control.Sysfs;
using Daxplug.Kernel;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim;

/// <summary>The in-process model as an <see cref="ISysfs"/> for the controller (which never sees model types).</summary>
public static class ModelSysfs
{
    /// <summary>
    /// The model as a sysfs root; <paramref name="onWrite"/> sees every write (path, value, errno). The model's
    /// store returns a count or <c>-errno</c>, as write(2) would; here, once, it becomes the errno itself.
    /// </summary>
    public static ISysfs Create(KernelModel kernel, string describe, Action<string, string, Errno>? onWrite = null) => new DelegateSysfs(
        describe,
        path => kernel.Sysfs.Read(path, out var text) is var rc && rc == Errno.None ? (rc, text) : (rc, ""),
        (path, value) =>
        {
            var errno = ErrnoResult.Of(kernel.Sysfs.Write(path, Encoding.Latin1.GetBytes(value)));
            onWrite?.Invoke(path, value, errno);
            return errno;
        },
        path => kernel.Sysfs.List(path, out var names) is var rc && rc == Errno.None ? (rc, names) : (rc, []),
        path => kernel.Sysfs.Lookup(path, out var node, followLast: false) == Errno.None && node is KernfsLink link ? link.Target : null,
        path => kernel.Sysfs.Lookup(path, out _) == Errno.None);
}
