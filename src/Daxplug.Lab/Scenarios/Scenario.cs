using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Machines;
using Daxplug.Lab.Scheduling;
using Daxplug.Sim;
using Daxplug.Sim.Machines;

namespace Daxplug.Lab.Scenarios;

/// <summary>An agent of a scenario: what it is (a kind) and what it acts on.</summary>
public sealed record AgentSpec(string Kind, string Device, IReadOnlyList<long>? Blocks = null, string? Target = null);

/// <summary>
/// A scenario as data: a machine, how it boots, the agents that race, and the profiles it is about (null: every
/// profile). A scenario whose agents only know the per-block ABI (daxctl v81, a kmem rebind without unplugging
/// first) is about the kernels such userland runs against today: releases without the series, and v3 whose unbind it exercises.
/// </summary>
public sealed record ScenarioSpec(string Name, string Machine, string BootPolicy, bool KernelZonePinning, IReadOnlyList<AgentSpec> Agents,
    IReadOnlyList<AbiProfile>? Abis = null)
{
    /// <summary>Whether the scenario is about <paramref name="abi"/>.</summary>
    public bool AppliesTo(AbiProfile abi) => Abis is null || Abis.Contains(abi);
}

/// <summary>One violation of an invariant, with the step it was seen at.</summary>
public sealed record Violation(string Kind, string Detail, int Step);

/// <summary>
/// What agents do, modelled on the real things (userland.md): a device controller that unplugs or onlines
/// through the kernel's attribute when there is one and otherwise as daxctl does (per block, stop at the first
/// error, re-check, unbind); a zone mover that re-onlines one block into the kernel zone (a misguided udev rule).
/// Each agent checks its own claims the moment the kernel answers: a success must leave the device as claimed.
/// </summary>
public sealed class ScenarioRun
{
    // A scenario's machine description on a kernel, parsed once (building a kernel only reads it).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(ScenarioSpec, KernelChoice), MachineSpec> Machines = new();

    private readonly KernelModel kernel;

    public ScenarioRun(ScenarioSpec spec, KernelChoice choice)
    {
        kernel = MachineBuilder.Build(Machines.GetOrAdd((spec, choice), key =>
        {
            var machine = BuiltinMachines.Load(key.Item1.Machine);
            machine.AutoOnlineBlocks = key.Item1.BootPolicy;
            machine.KernelZonePinning = key.Item1.KernelZonePinning;
            machine.Kernel = key.Item2.Release.ToString();
            return machine;
        }), choice.Abi);
        Spec = spec;
    }

    public ScenarioSpec Spec { get; }

    public KernelModel Kernel => kernel;

    public List<Violation> Violations { get; } = [];

    /// <summary>The log of what agents did and what the kernel answered, in order, each "[step] agent: ...".</summary>
    public List<string> Log { get; } = [];

    /// <summary>The scheduler's current step, for the log.</summary>
    public Func<int> Step { get; set; } = () => 0;

    public Func<ValueTask> Body(AgentSpec agent, Func<int> step) => agent.Kind switch
    {
        "device-unplug" => () => DeviceUnplug(agent, step),
        "zone-mover" => () => ZoneMover(agent, step),
        "device-cycle" => () => DeviceCycle(agent, step),
        "daxctl-devdax" => () => DaxctlDevdax(agent, step),
        "udev-onliner" => () => UdevOnliner(agent),
        "daxplug" => () =>
        {
            DaxplugSet(agent, step);
            return ValueTask.CompletedTask;
        },
        "kmem-rebind" => () => KmemRebind(agent, step),
        "kdump-reader" => () => KdumpReader(agent, step),
        _ => throw new FormatException($"unknown agent kind '{agent.Kind}'"),
    };

    /// <summary>Adds <paramref name="agent"/> to <paramref name="scheduler"/>. The daxplug controller does
    /// synchronous I/O through <see cref="ModelSysfs"/>, as the real process does, so it needs a thread of its own;
    /// every other agent awaits the model and runs on the scheduler's thread.</summary>
    public void Spawn(DeterministicScheduler scheduler, AgentSpec agent, Func<int> step)
    {
        var body = Body(agent, step);
        if (agent.Kind == "daxplug")
        {
            scheduler.Spawn(agent.Kind, () => body().Sync());
        }
        else
        {
            scheduler.SpawnAsync(agent.Kind, body);
        }
    }

    /// <summary>The agent kinds that claim something about a device (the others are competitors).</summary>
    private static readonly string[] Controllers = ["device-unplug", "device-cycle", "daxctl-devdax", "daxplug", "kmem-rebind"];

    /// <summary>Checks at quiescence: the model's own consistency, and that no device a controller acted on is
    /// left split (some blocks online, some offline) unless a controller reported a failure.</summary>
    public void CheckQuiescent(int step)
    {
        if (Reported.Count == 0)
        {
            foreach (var device in Spec.Agents.Where(a => Controllers.Contains(a.Kind)).Select(a => a.Device).Distinct())
            {
                if (DeviceState(device) == "split")
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

    private async ValueTask<int> Write(string agent, string path, string value)
    {
        int rc = await kernel.Sysfs.WriteAsync(path, Encoding.ASCII.GetBytes(value + "\n"));
        lock (Log)
        {
            Log.Add($"[{Step()}] {agent}: {path} <- {value}: {(rc >= 0 ? "ok" : ErrnoText.Name((Errno)(-rc)))}");
        }

        return rc;
    }

    private async ValueTask DeviceUnplug(AgentSpec agent, Func<int> step)
    {
        var dev = kernel.Dax.Find(agent.Device)!;
        if (kernel.KmemDriver.AttributeName is { } attr)
        {
            var word = attr == "state" ? "unplugged" : "unplug";
            if (await Write(agent.Kind, $"/sys/bus/dax/devices/{agent.Device}/{attr}", word) >= 0)
            {
                // The claim: the device's memory is gone.
                int left = dev.Kmem is { } data ? kernel.KmemDriver.Blocks(dev, data).Count() : 0;
                if (left > 0)
                {
                    Violations.Add(new Violation("false-success", $"{agent.Device}: '{word}' succeeded but {left} block(s) remain", step()));
                }
            }
            else
            {
                Report(agent.Kind, $"'{word}' failed");
            }

            return;
        }

        // Without the attribute: daxctl reconfigure-device -m devdax -f: offline each block, stop at the first error.
        foreach (var mem in dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).ToList() : [])
        {
            if (mem.State != Daxplug.Kernel.Memory.MemoryBlockState.Offline && await Write(agent.Kind, $"/sys/devices/system/memory/memory{mem.Id}/state", "offline") < 0)
            {
                Report(agent.Kind, $"offlining memory{mem.Id} failed");
                return;
            }
        }
    }

    // Unplug, online again, unplug again: each success claims the device is as asked.
    private async ValueTask DeviceCycle(AgentSpec agent, Func<int> step)
    {
        if (kernel.KmemDriver.AttributeName is not { } attr)
        {
            return;
        }

        var dev = kernel.Dax.Find(agent.Device)!;
        var unplug = attr == "state" ? "unplugged" : "unplug";
        foreach (var word in new[] { unplug, "online_movable", unplug })
        {
            if (await Write(agent.Kind, $"/sys/bus/dax/devices/{agent.Device}/{attr}", word) < 0)
            {
                Report(agent.Kind, $"'{word}' failed");
                return;
            }

            int blocks = dev.Kmem is { } data ? kernel.KmemDriver.Blocks(dev, data).Count() : 0;
            int online = dev.Kmem is { } d2 ? kernel.KmemDriver.Blocks(dev, d2).Count(b => b.State == Daxplug.Kernel.Memory.MemoryBlockState.Online) : 0;
            if (word == unplug ? blocks > 0 : online == 0)
            {
                Violations.Add(new Violation("false-success", $"{agent.Device}: '{word}' succeeded but {blocks} block(s) exist, {online} online", step()));
            }
        }
    }

    // daxctl reconfigure-device -m devdax -f: offline every block (stop at the first error), refuse if any is still
    // online, then unbind kmem. The unbind "succeeds" whatever happens; its claim is that the memory is gone.
    private async ValueTask DaxctlDevdax(AgentSpec agent, Func<int> step)
    {
        var dev = kernel.Dax.Find(agent.Device)!;
        var blocks = dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).ToList() : [];
        foreach (var mem in blocks)
        {
            if (mem.State != Daxplug.Kernel.Memory.MemoryBlockState.Offline && await Write(agent.Kind, $"/sys/devices/system/memory/memory{mem.Id}/state", "offline") < 0
                && mem.State != Daxplug.Kernel.Memory.MemoryBlockState.Offline)
            {
                Report(agent.Kind, $"offlining memory{mem.Id} failed");
                return;
            }
        }

        if (blocks.Any(b => b.State == Daxplug.Kernel.Memory.MemoryBlockState.Online))
        {
            Report(agent.Kind, "refusing to change modes (blocks online)");
            return;
        }

        await Write(agent.Kind, "/sys/bus/dax/drivers/kmem/unbind", agent.Device);
        int left = blocks.Count(b => kernel.Blocks.Find(b.Id) == b);
        if (left > 0)
        {
            Violations.Add(new Violation("stranded", $"{agent.Device}: kmem unbind succeeded but {left} block(s) stay until reboot", step()));
        }
    }

    // The daxplug controller itself, through the sysfs text surface (ModelSysfs), with its own lock and journal
    // in a scratch state directory. Its claims: "done" means the device is in the target state right now;
    // "rolled back" and "stranded" are failures it reported, which the matrix counts but does not call violations.
    private void DaxplugSet(AgentSpec agent, Func<int> step)
    {
        var target = agent.Target ?? "unplugged";
        var dir = ScratchDirectory();
        try
        {
            var sysfs = ModelSysfs.Create(kernel, "lab", (path, value, rc) =>
            {
                lock (Log)
                {
                    Log.Add($"[{Step()}] daxplug: {path} <- {value.TrimEnd('\n')}: {(rc == 0 ? "ok" : ErrnoText.Name((Errno)rc))}");
                }
            });
            var outcome = new Daxplug.Control.Transitions.Controller(sysfs, new Daxplug.Control.Transitions.StateDir(dir.FullName)).Set(agent.Device, target);
            lock (Log)
            {
                Log.Add($"[{Step()}] daxplug: set {agent.Device} {target}: exit {(int)outcome.Code}: {outcome.Message}");
            }

            if (outcome.Code == Daxplug.Control.Transitions.OutcomeCode.Done && DeviceState(agent.Device) is var now && now != target)
            {
                Violations.Add(new Violation("false-success", $"{agent.Device}: daxplug said {target} but it is {now}", step()));
            }
            else if (outcome.Code != Daxplug.Control.Transitions.OutcomeCode.Done)
            {
                Reported.Add($"daxplug-exit-{(int)outcome.Code}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // The daxplug agent's state directory: on a tmpfs where there is one (/dev/shm), since the controller syncs its
    // journal to disk at every transaction and a schedule's journal needs to outlive nothing.
    private static DirectoryInfo ScratchDirectory() => Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"daxplug-lab-{Guid.NewGuid():n}"))
        : Directory.CreateTempSubdirectory("daxplug-lab-");

    // An agent that resets the device's driver: unbind kmem, bind it again. Its claims: after a successful unbind
    // the memory is gone (else it is stranded until reboot); after a successful bind the device has its blocks.
    private async ValueTask KmemRebind(AgentSpec agent, Func<int> step)
    {
        var dev = kernel.Dax.Find(agent.Device)!;
        var before = dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).ToList() : [];
        if (await Write(agent.Kind, "/sys/bus/dax/drivers/kmem/unbind", agent.Device) < 0)
        {
            Report(agent.Kind, "unbind failed");
            return;
        }

        int left = before.Count(b => kernel.Blocks.Find(b.Id) == b);
        if (left > 0)
        {
            Violations.Add(new Violation("stranded", $"{agent.Device}: kmem unbind succeeded but {left} block(s) stay until reboot", step()));
            return;
        }

        if (await Write(agent.Kind, "/sys/bus/dax/drivers/kmem/bind", agent.Device) < 0)
        {
            Report(agent.Kind, "bind failed");
        }
        else if (dev.Kmem is null || !kernel.KmemDriver.Blocks(dev, dev.Kmem).Any())
        {
            Violations.Add(new Violation("false-success", $"{agent.Device}: kmem bind succeeded but the device has no memory blocks", step()));
        }
    }

    private static readonly (string File, Func<string, bool> Valid)[] KdumpFiles =
    [
        ("state", v => v is "online\n" or "offline\n" or "going-offline\n"),
        ("phys_index", v => v.Length == 9 && v.EndsWith('\n')),
    ];

    // A kdump-style reader (its udev rule reloads the crash kernel on memory add/remove and reads every block):
    // lists /sys/devices/system/memory and reads each listed block's state and phys_index. A block may vanish
    // between the listing and the read (ENOENT); any other error, or a value outside the ABI, is a violation.
    private async ValueTask KdumpReader(AgentSpec agent, Func<int> step)
    {
        for (int pass = 0; pass < 3; pass++)
        {
            if (kernel.Sysfs.List("/sys/devices/system/memory", out var names) != Errno.None)
            {
                Violations.Add(new Violation("read-error", "listing /sys/devices/system/memory failed", step()));
                return;
            }

            ReadBlocks(names, step);
            await kernel.Scheduler.Point("kdump-reader pass");
        }
    }

    // One pass of the kdump reader over the listed blocks (each path is built in one buffer).
    private void ReadBlocks(IReadOnlyList<string> names, Func<int> step)
    {
        const string dir = "/sys/devices/system/memory/";
        Span<char> path = stackalloc char[128];
        dir.CopyTo(path);
        foreach (var name in names)
        {
            if (!name.StartsWith("memory", StringComparison.Ordinal) || name.Length <= 6 || !char.IsDigit(name[6]) || dir.Length + name.Length + 16 > path.Length)
            {
                continue;
            }

            name.CopyTo(path[dir.Length..]);
            path[dir.Length + name.Length] = '/';
            foreach (var (file, valid) in KdumpFiles)
            {
                int length = dir.Length + name.Length + 1 + file.Length;
                file.CopyTo(path[(dir.Length + name.Length + 1)..]);
                var rc = kernel.Sysfs.Read(path[..length], out var text);
                if (rc == Errno.ENOENT)
                {
                    continue;
                }

                if (rc != Errno.None || !valid(text))
                {
                    Violations.Add(new Violation("read-error", $"{name}/{file}: {(rc != Errno.None ? ErrnoText.Name(rc) : $"'{text.TrimEnd()}'")}", step()));
                }
            }
        }
    }

    /// <summary>The memory blocks of every device an agent names, as booted.</summary>
    public List<long> DeviceBlockIds() =>
        Spec.Agents.Select(a => a.Device).Distinct().Select(kernel.Dax.Find).OfType<Daxplug.Kernel.Dax.DevDax>()
            .SelectMany(dev => dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).Select(b => b.Id) : []).Distinct().Order().ToList();

    /// <summary>A character per block: M online movable, K online in a kernel zone, o offline, - removed.</summary>
    public string BlockStates(IReadOnlyList<long> ids) => string.Concat(ids.Select(id => kernel.Blocks.Find(id) switch
    {
        null => '-',
        { State: Daxplug.Kernel.Memory.MemoryBlockState.Online, Zone.Type: Daxplug.Kernel.Memory.ZoneType.Movable } => 'M',
        { State: Daxplug.Kernel.Memory.MemoryBlockState.Online } => 'K',
        _ => 'o',
    }));

    /// <summary>Failures that agents reported (exit codes): not violations, but what a user would have been told.</summary>
    public List<string> Reported { get; } = [];

    // A controller gives up and says so (daxctl prints an error and exits non-zero).
    private void Report(string agent, string what)
    {
        Reported.Add($"{agent}-failed");
        lock (Log)
        {
            Log.Add($"[{Step()}] {agent}: {what}");
        }
    }

    // The device as the controller's vocabulary names it: unplugged (no kmem memory left), or the zone its
    // blocks are online in (online_movable / online_kernel), or "split".
    private string DeviceState(string device)
    {
        var dev = kernel.Dax.Find(device)!;
        var states = BlockStates(dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).Select(b => b.Id).ToList() : []);
        return states.Length == 0 ? "unplugged"
            : states.All(c => c == 'M') ? "online_movable"
            : states.All(c => c == 'K') ? "online_kernel"
            : states.All(c => c == 'o') ? "offline"
            : states.Contains('o') ? "split" : "mixed-zones";
    }

    // A RHEL-style rule acting on each block of the device it sees offline: online it (movable, as on bare metal).
    private async ValueTask UdevOnliner(AgentSpec agent)
    {
        var dev = kernel.Dax.Find(agent.Device)!;
        foreach (var mem in dev.Kmem is { } d ? kernel.KmemDriver.Blocks(dev, d).ToList() : [])
        {
            if (mem.State == Daxplug.Kernel.Memory.MemoryBlockState.Offline)
            {
                await Write(agent.Kind, $"/sys/devices/system/memory/memory{mem.Id}/state", "online_movable");
            }
        }
    }

    private async ValueTask ZoneMover(AgentSpec agent, Func<int> step)
    {
        foreach (var b in agent.Blocks ?? [])
        {
            if (await Write(agent.Kind, $"/sys/devices/system/memory/memory{b}/state", "offline") >= 0)
            {
                await Write(agent.Kind, $"/sys/devices/system/memory/memory{b}/state", "online_kernel");
            }
        }
    }
}
