using System.Runtime.InteropServices;

namespace Daxplug.Control.Watch;

/// <summary>Where uevents come from: the kernel's netlink socket, or a test's list.</summary>
public interface IUeventSource : IDisposable
{
    /// <summary>The next event, or null when <paramref name="timeout"/> passed without one.</summary>
    UeventMessage? Receive(TimeSpan timeout);
}

/// <summary>
/// NETLINK_KOBJECT_UEVENT, group 1 (the kernel's broadcast), through three libc calls (docs/architecture.md §4): .NET's
/// Socket has no AF_NETLINK.
/// </summary>
public sealed class UeventSocket : IUeventSource
{
    private const int AfNetlink = 16, SockDgram = 2, SockCloexec = 0x80000, NetlinkKobjectUevent = 15, SolSocket = 1, SoRcvtimeo = 20;
    private readonly SafeFdHandle fd;

    public UeventSocket()
    {
        fd = Interop.Libc.Socket(AfNetlink, SockDgram | SockCloexec, NetlinkKobjectUevent);
        if (fd.IsInvalid)
        {
            throw ErrnoException.FromLastErrno("netlink socket");
        }

        // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }
        Span<byte> addr = stackalloc byte[12];
        addr.Clear();
        BitConverter.TryWriteBytes(addr, (ushort)AfNetlink);
        BitConverter.TryWriteBytes(addr[8..], 1u);
        if (Interop.Libc.Bind(fd, addr, addr.Length) != 0)
        {
            var error = ErrnoException.FromLastErrno("netlink bind");
            fd.Dispose();
            throw error;
        }
    }

    public UeventMessage? Receive(TimeSpan timeout)
    {
        // struct timeval { long tv_sec; long tv_usec; }
        Span<long> tv = [(long)timeout.TotalSeconds, (long)(timeout.TotalMicroseconds % 1_000_000)];
        Interop.Libc.SetSockOpt(fd, SolSocket, SoRcvtimeo, MemoryMarshal.AsBytes(tv), 16);
        var buf = new byte[16384];
        while (true)
        {
            nint n = Interop.Libc.Recv(fd, buf, buf.Length, 0);
            if (n < 0)
            {
                return null;
            }

            if (UeventMessage.Parse(buf.AsSpan(0, (int)n)) is { } message)
            {
                return message;
            }
        }
    }

    public void Dispose() => fd.Dispose();
}
