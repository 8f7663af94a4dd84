using Daxplug.Kernel;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim;

/// <summary>
/// Writes the tree as plain files, directories and relative symlinks: a static snapshot that tools with a
/// sysroot option (lsmem --sysroot) read as if it were /sys. Symlinked directories are not descended.
/// </summary>
public static class SysfsDump
{
    /// <summary>Dumps into <paramref name="outDir"/>/sys (created); returns the number of files written.</summary>
    public static int Write(SysfsTree tree, string outDir)
    {
        var sys = Path.Combine(outDir, "sys");
        Directory.CreateDirectory(sys);
        return WriteDir(tree.Root, sys);
    }

    private static int WriteDir(KernfsDir dir, string path)
    {
        int count = 0;
        foreach (var name in dir.List())
        {
            var node = dir.Lookup(name);
            var target = Path.Combine(path, name);
            switch (node)
            {
                case KernfsDir sub:
                    Directory.CreateDirectory(target);
                    count += WriteDir(sub, target);
                    break;
                case KernfsLink link:
                    File.CreateSymbolicLink(target, link.Target);
                    break;
                case KernfsAttribute attr:
                    File.WriteAllText(target, attr.CanShow && (attr.Mode & 0x124) != 0 ? SysfsTree.Show(attr) : "");
                    File.SetUnixFileMode(target, (UnixFileMode)attr.Mode);
                    count++;
                    break;
            }
        }

        return count;
    }
}
