using Daxplug.Kernel;
using Daxplug.Kernel.Dax;
using Daxplug.Kernel.Memory;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// The invariants of a scenario, and what they found. Agents check their own claims the moment the kernel answers
/// (a success must leave the device as claimed: no false success, no memory stranded until reboot, no read outside
/// the ABI); at quiescence no device a controller acted on may be left split unless one reported a failure, and
/// the model must be consistent. Failures agents report are kept apart: not violations, but what a user was told.
/// </summary>
public sealed class Checks(KernelModel kernel, DeviceView devices, Timeline timeline)
{
    public List<Violation> Violations { get; } = [];

    /// <summary>Failures that agents reported (exit codes): not violations, but what a user would have been told.</summary>
    public List<string> Reported { get; } = [];

    /// <summary>A controller gives up and says so (daxctl prints an error and exits non-zero).</summary>
    public void Failed(string agent, string what)
    {
        Reported.Add($"{agent}-failed");
        timeline.Add(agent, what);
    }

    /// <summary>A controller exited with <paramref name="code"/> (not 0).</summary>
    public void Exited(string agent, int code) => Reported.Add($"{agent}-exit-{code}");

    /// <summary>After a successful unplug: the device's memory is gone.</summary>
    public void Unplugged(DevDax dev, string word, int step)
    {
        int left = devices.Blocks(dev).Count();
        if (left > 0)
        {
            Violations.Add(new Violation("false-success", $"{dev.Name}: '{word}' succeeded but {left} block(s) remain", step));
        }
    }

    /// <summary>After a successful write of <paramref name="word"/>: an unplug leaves no block, anything else leaves
    /// some online.</summary>
    public void Became(DevDax dev, string word, bool unplug, int step)
    {
        int blocks = devices.Blocks(dev).Count();
        int online = devices.Blocks(dev).Count(b => b.State == MemoryBlockState.Online);
        if (unplug ? blocks > 0 : online == 0)
        {
            Violations.Add(new Violation("false-success", $"{dev.Name}: '{word}' succeeded but {blocks} block(s) exist, {online} online", step));
        }
    }

    /// <summary>After a successful kmem unbind: whether any of the blocks the device had before stays (stranded until reboot).</summary>
    public bool Stranded(DevDax dev, IReadOnlyList<MemoryBlock> before, int step)
    {
        int left = before.Count(b => kernel.Blocks.Find(b.Id) == b);
        if (left > 0)
        {
            Violations.Add(new Violation("stranded", $"{dev.Name}: kmem unbind succeeded but {left} block(s) stay until reboot", step));
        }

        return left > 0;
    }

    /// <summary>After a successful kmem bind: the device has memory blocks.</summary>
    public void Bound(DevDax dev, int step)
    {
        if (!devices.Blocks(dev).Any())
        {
            Violations.Add(new Violation("false-success", $"{dev.Name}: kmem bind succeeded but the device has no memory blocks", step));
        }
    }

    /// <summary>After "done" from a controller: the device is in <paramref name="target"/> right now.</summary>
    public void InState(string device, string agent, string target, int step)
    {
        if (devices.State(device) is var now && now != target)
        {
            Violations.Add(new Violation("false-success", $"{device}: {agent} said {target} but it is {now}", step));
        }
    }

    /// <summary>A read of memoryN/<paramref name="file"/>: a block may vanish between listing and read (ENOENT); any
    /// other error, or a value <paramref name="valid"/> rejects, is outside the ABI.</summary>
    public void Read(string name, string file, Errno rc, string text, Func<string, bool> valid, int step)
    {
        if (rc != Errno.ENOENT && (rc != Errno.None || !valid(text)))
        {
            Violations.Add(new Violation("read-error", $"{name}/{file}: {(rc != Errno.None ? ErrnoText.Name(rc) : $"'{text.TrimEnd()}'")}", step));
        }
    }

    /// <summary>A listing that should always work failed.</summary>
    public void ListFailed(string path, int step) => Violations.Add(new Violation("read-error", $"listing {path} failed", step));

    /// <summary>Checks at quiescence: no device of <paramref name="claimed"/> (those controllers acted on) is left
    /// split (some blocks online, some offline) unless a controller reported a failure; the model is consistent.</summary>
    public void Quiescent(IEnumerable<string> claimed, int step)
    {
        if (Reported.Count == 0)
        {
            foreach (var device in claimed.Distinct())
            {
                if (devices.State(device) == "split")
                {
                    Violations.Add(new Violation("split", $"{device}: some blocks online, some offline, and no controller reported a failure", step));
                }
            }
        }

        foreach (var problem in Invariants.Check(kernel))
        {
            Violations.Add(new Violation("inconsistent", problem, step));
        }
    }
}
