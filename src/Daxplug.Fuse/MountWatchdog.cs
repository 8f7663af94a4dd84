using System.Diagnostics;

namespace Daxplug.Fuse;

/// <summary>
/// A helper that unmounts a server's FUSE mount when the server dies, however it dies (kill -9 included):
/// setpriv arms PR_SET_PDEATHSIG (SIGTERM), and the shell's trap then detaches the mount if it is still a daxplug
/// one. fusermount3's auto_unmount does the same, but it first checks the mount by a recursive bind of its parent
/// in a namespace of its own, which other mounts coming and going beside it can make fail (then it leaves the
/// mount, "Transport endpoint is not connected"); this does not depend on that.
/// </summary>
public static class MountWatchdog
{
    private const string Script =
        "trap 'findmnt -n -M \"$1\" -t fuse.daxplug >/dev/null 2>&1 && umount -l \"$1\"; kill $! 2>/dev/null; exit 0' TERM; " +
        "while :; do sleep 3600 & wait $!; done";

    /// <summary>
    /// Starts the watchdog for <paramref name="dir"/>. Call it from the thread that lives as long as the server
    /// (the main thread): the death signal comes when the thread that started the helper ends.
    /// </summary>
    public static Process Start(string dir)
    {
        var psi = new ProcessStartInfo(SimNamespace.Tool("setpriv"))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = "/",
        };
        foreach (var arg in new[] { "--pdeathsig", "TERM", "--", "/bin/sh", "-c", Script, "daxplug-watchdog", dir })
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi)!;
    }
}
