using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>
/// /sys/devices/system/memory and /sys/bus/memory (drivers/base/memory.c): the root files and a memoryN
/// directory per block, made on lookup from the block itself.
/// </summary>
internal static class MemorySysfs
{
    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        sys.Dir("devices").Dir("system").Lazy("memory", memory =>
        {
            // Models block_size_bytes_show(): "%lx\n".
            memory.Add(KernfsAttribute.ReadOnly("block_size_bytes", () => KernelFormat.Hex(kernel.BlockSizeBytes) + "\n"));
            memory.Add(KernfsAttribute.ReadWrite("auto_online_blocks", () => AutoOnlineBlocksShow(kernel), buf => AutoOnlineBlocksStore(kernel, buf)));
            // Models crash_hotplug_show() (6.5+): crash_check_hotplug_support(), 0 while no crash kernel is loaded.
            if (kernel.Release.AtLeast(6, 5) && kernel.Machine.CrashHotplug)
            {
                memory.Add(KernfsAttribute.ReadOnly("crash_hotplug", () => "0\n"));
            }

            if (kernel.Machine.MemoryFailure)
            {
                memory.Add(new KernfsAttribute("soft_offline_page", 0x80, null, buf => SoftOfflinePageStore(kernel, buf)));
                memory.Add(new KernfsAttribute("hard_offline_page", 0x80, null, buf => HardOfflinePageStore(kernel, buf)));
            }
            memory.Add(Uevent.File(kernel, "/devices/system/memory", "memory"));
            memory.Add(new KernfsDir("power"));
            // The directories of recently looked-up blocks: a path walk would otherwise make one per read. Keyed by the
            // block itself, so a block removed and added again gets a new directory.
            var recent = new SlotCache<MemoryBlock, KernfsDir>(4096);
            Func<MemoryBlock, KernfsDir> make = mem => BlockDir(kernel, mem);
            memory.AddSource(KernfsSource.ById("memory", () => kernel.Blocks.Ids(), id =>
            {
                if (kernel.Blocks.Find(id) is not { } block)
                {
                    return null;
                }

                recent.Fit(kernel.Blocks.Ids() is { Length: > 0 } ids ? ids[^1] : 0);
                return recent.Get(id, block, make);
            }));
        });

        sys.Dir("bus").Lazy("memory", bus =>
        {
            bus.Dir("devices").AddSource(KernfsSource.ById("memory", () => kernel.Blocks.Ids(),
                id => kernel.Blocks.Find(id) is null ? null : new KernfsLink($"memory{id}", $"../../../devices/system/memory/memory{id}")));
            bus.Dir("drivers");
            bus.Add(Uevent.WriteOnly(kernel, "/bus/memory", "memory"));
        });
    }

    // The block holding a physical address given to the *_offline_page files, and whether it is online.
    private static MemoryBlock? BlockOf(KernelModel kernel, ulong address) =>
        kernel.Blocks.Find((long)(address / kernel.BlockSizeBytes));

    // Models soft_offline_page_store(): kstrtoull base 0, then soft_offline_page(): ENXIO for a pfn without a
    // memmap, EIO when not online, a page already poisoned is 0 with a note; otherwise the page is migrated away
    // (the model keeps no page contents) and poisoned: page_handle_poison() counts it against its block.
    private static Errno SoftOfflinePageStore(KernelModel kernel, string buf)
    {
        if (SysfsText.KstrToUll(buf, 0, out var address) != Errno.None)
        {
            return Errno.EINVAL;
        }

        ulong pfn = address / KernelModel.PageSize;
        switch (BlockOf(kernel, address))
        {
            case null:
                return Errno.ENXIO;
            case { State: not MemoryBlockState.Online }:
                return Errno.EIO;
            case var mem when !mem.PoisonedPfns.Add(pfn):
                // 6.11 ("mm/memory-failure: refactor log format in soft offline code") gave it the "Soft offline: " prefix.
                kernel.Log.Info(kernel.Release.AtLeast(6, 11)
                    ? $"Soft offline: {KernelFormat.HexPrefixed(pfn)}: page already poisoned"
                    : $"soft_offline_page: {KernelFormat.HexPrefixed(pfn)} page already poisoned");
                return Errno.None;
            default:
                return Errno.None;
        }
    }

    // Models hard_offline_page_store(): memory_failure(): memory that is not online is "outside kernel control"
    // (ENXIO); a page already poisoned is EHWPOISON (TestSetPageHWPoison(), action_result() of
    // MF_MSG_ALREADY_POISONED); a free online page is poisoned and recovered, and counts against its block.
    private static Errno HardOfflinePageStore(KernelModel kernel, string buf)
    {
        if (SysfsText.KstrToUll(buf, 0, out var address) != Errno.None)
        {
            return Errno.EINVAL;
        }

        ulong pfn = address / KernelModel.PageSize;
        var mem = BlockOf(kernel, address);
        if (mem is not { State: MemoryBlockState.Online })
        {
            kernel.Log.Err($"Memory failure: {KernelFormat.HexPrefixed(pfn)}: memory outside kernel control");
            return Errno.ENXIO;
        }

        if (!mem.PoisonedPfns.Add(pfn))
        {
            kernel.Log.Err($"Memory failure: {KernelFormat.HexPrefixed(pfn)}: recovery action for already poisoned page: Failed");
            return Errno.EHWPOISON;
        }

        kernel.Log.Err($"Memory failure: {KernelFormat.HexPrefixed(pfn)}: recovery action for free buddy page: Recovered");
        return Errno.None;
    }

    // Models auto_online_blocks_show(): the name of mhp_default_online_type.
    private static string AutoOnlineBlocksShow(KernelModel kernel) => OnlineTypes.ToStr(kernel.Params.AutoOnlineBlocks) + "\n";

    // Models auto_online_blocks_store(): any of the four online types, else EINVAL. Affects later adds only.
    private static Errno AutoOnlineBlocksStore(KernelModel kernel, string buf)
    {
        var type = OnlineTypes.FromStr(buf);
        if (type is null)
        {
            return Errno.EINVAL;
        }

        kernel.Params.AutoOnlineBlocks = type.Value;
        return Errno.None;
    }

    // A memoryN directory. Its files are made when first looked up: a reader of every block's state (lsmem, a
    // kdump rule, the race lab's agents) then pays for two files per block, not ten.
    private static KernfsDir BlockDir(KernelModel kernel, MemoryBlock mem) =>
        new KernfsDir($"memory{mem.Id}").AddSource(new BlockFiles(kernel, mem));

    private sealed class BlockFiles(KernelModel kernel, MemoryBlock mem) : IKernfsSource
    {
        // In the order a listing shows them; "node" stands for the nodeN link.
        private static readonly string[] Fixed = ["phys_index", "phys_device", "state", "online", "removable", "valid_zones", "uevent", "subsystem", "node", "power"];
        private readonly KernfsNode?[] made = new KernfsNode?[Fixed.Length];

        public IEnumerable<string> Names() => Fixed.Select(n => n == "node" ? $"node{mem.Nid}" : n);

        public KernfsNode? Lookup(string name) => Lookup(name.AsSpan());

        public KernfsNode? Lookup(ReadOnlySpan<char> name)
        {
            for (int i = 0; i < Fixed.Length; i++)
            {
                if (Fixed[i] == "node" ? name.StartsWith("node") && name.SequenceEqual($"node{mem.Nid}") : name.SequenceEqual(Fixed[i]))
                {
                    return made[i] ??= Make(Fixed[i]);
                }
            }

            return null;
        }

        private KernfsNode Make(string name) => name switch
        {
            "phys_index" or "phys_device" or "removable" or "valid_zones" => new BlockAttribute(name, 0x124, kernel.Hotplug, mem),
            "state" or "online" => new BlockAttribute(name, 0x1a4, kernel.Hotplug, mem),
            "uevent" => Uevent.File(kernel, MemoryHotplug.DevPath(mem), "memory"),
            "subsystem" => new KernfsLink("subsystem", "../../../../bus/memory"),
            "node" => new KernfsLink($"node{mem.Nid}", $"../../node/node{mem.Nid}"),
            _ => new KernfsDir("power"),
        };
    }

    // A memoryN file: one small object (not a pair of closures) per block that is read.
    private sealed class BlockAttribute(string name, int mode, MemoryHotplug hp, MemoryBlock mem)
        : KernfsAttribute(name, mode, canShow: true, canStore: (mode & 0x92) != 0)
    {
        private string? physIndex;

        public override string Show() => Name switch
        {
            // Models phys_index_show(): the block id as "%08lx\n".
            "phys_index" => physIndex ??= KernelFormat.Hex((ulong)mem.Id, 8) + "\n",
            // Models phys_device_show(): arch_get_memory_phys_device() is 0 except on s390.
            "phys_device" => mem.Dumped?.PhysDevice is { } dumped ? dumped + "\n" : "0\n",
            // Models state_show().
            "state" => MemorySysfsNames.StateLine(mem.State),
            // Models online_show() (drivers/base/core.c): !dev->offline.
            "online" => mem.DeviceOffline ? "0\n" : "1\n",
            // Models removable_show(): IS_ENABLED(CONFIG_MEMORY_HOTREMOVE), a legacy constant.
            "removable" => mem.Dumped?.Removable is { } dumped ? dumped + "\n" : "1\n",
            _ => mem.Dumped?.ValidZones is { } zones ? zones + "\n" : hp.ValidZones(mem),
        };

        // Models state_store() and online_store() (drivers/base/core.c).
        public override ValueTask<Errno> Store(string buf) => Name == "state" ? hp.StateStore(mem, buf) : hp.OnlineStore(mem, buf);
    }
}

/// <summary>state_show()'s names for the memory block states.</summary>
public static class MemorySysfsNames
{
    public static string State(MemoryBlockState state) => state switch
    {
        MemoryBlockState.Online => "online",
        MemoryBlockState.GoingOffline => "going-offline",
        _ => "offline",
    };

    // Each state's name with its newline, made once from State (a read of memoryN/state makes no string).
    private static readonly string[] Lines = Enum.GetValues<MemoryBlockState>().Select(s => State(s) + "\n").ToArray();

    /// <summary>state_show()'s whole output: the name and a newline.</summary>
    public static string StateLine(MemoryBlockState state) => Lines[(int)state];
}
