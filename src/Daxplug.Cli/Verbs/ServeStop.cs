using System.Runtime.InteropServices;
using Daxplug.Fuse;

namespace Daxplug.Cli.Verbs;

/// <summary>SIGINT/SIGTERM for "sim serve": an unmount now if mounted, else as soon as the mount is made.</summary>
internal sealed class ServeStop(string dir)
{
    private readonly Lock gate = new();
    private bool mounted, requested;

    public void Signal(PosixSignalContext context)
    {
        context.Cancel = true;
        lock (gate)
        {
            requested = true;
            if (!mounted)
            {
                return;
            }
        }

        FuseServer.Unmount(dir);
    }

    // Called from the FUSE INIT callback: the unmount is left to another thread, not made from inside the
    // server's own request.
    public void Mounted()
    {
        lock (gate)
        {
            mounted = true;
            if (!requested)
            {
                return;
            }
        }

        ThreadPool.QueueUserWorkItem(_ => FuseServer.Unmount(dir));
    }
}
