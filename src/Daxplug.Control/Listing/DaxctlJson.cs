using System.Text.Json;
using Daxplug.Control.Discovery;

namespace Daxplug.Control.Listing;

/// <summary>What "list" prints: which objects and how.</summary>
public sealed record ListOptions(bool Devices, bool Regions, bool Mappings, bool Human);

/// <summary>
/// JSON in daxctl list's keys and shapes (daxctl/json.c): device objects, regions with nested devices, mappings,
/// -u human sizes and hex; an array, or a bare object for one result under -u. daxplug adds "attribute",
/// "attribute_state" and "zones", and counts blocks over every mapping.
/// </summary>
public static class DaxctlJson
{
    public static string Render(Inventory inv, ListOptions opt, string? only = null)
    {
        var devices = inv.Devices.Where(d => only is null || d.Name == only).ToList();
        return JsonText.Render(w =>
        {
            if (opt.Regions)
            {
                var regions = inv.Regions.Where(r => only is null || devices.Any(d => d.Region == r)).ToList();
                Collection(w, regions, opt.Human, r => Region(w, r, devices.Where(d => d.Region == r).ToList(), opt));
            }
            else
            {
                Collection(w, devices, opt.Human, d => Device(w, d, opt));
            }
        });
    }

    // daxctl prints a bare object for a single -u result, an array otherwise.
    private static void Collection<T>(Utf8JsonWriter w, IReadOnlyList<T> items, bool human, Action<T> write)
    {
        if (human && items.Count == 1)
        {
            write(items[0]);
            return;
        }

        w.WriteStartArray();
        foreach (var item in items)
        {
            write(item);
        }

        w.WriteEndArray();
    }

    private static void Region(Utf8JsonWriter w, RegionInfo r, IReadOnlyList<DeviceInfo> devices, ListOptions opt)
    {
        w.WriteStartObject();
        w.WriteString("path", r.SysPath.StartsWith("/sys/devices", StringComparison.Ordinal) ? r.SysPath["/sys/devices".Length..] : r.SysPath);
        w.WriteNumber("id", r.Id);
        Size(w, "size", r.Size, opt.Human);
        if (r.AvailableSize is { } avail and not 0)
        {
            Size(w, "available_size", avail, opt.Human);
        }

        w.WriteNumber("align", r.Align);
        if (opt.Devices && devices.Count > 0)
        {
            w.WriteStartArray("devices");
            foreach (var d in devices)
            {
                Device(w, d, opt);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Device(Utf8JsonWriter w, DeviceInfo d, ListOptions opt)
    {
        w.WriteStartObject();
        w.WriteString("chardev", d.Name);
        Size(w, "size", d.Size, opt.Human);
        if (d.TargetNode >= 0)
        {
            w.WriteNumber("target_node", d.TargetNode);
        }

        if (d.Align > 0)
        {
            w.WriteNumber("align", d.Align);
        }

        w.WriteString("mode", d.Mode);
        if (d.Driver is null)
        {
            w.WriteString("state", "disabled");
        }

        if (d.Mode == "system-ram")
        {
            w.WriteNumber("online_memblocks", d.OnlineBlocks);
            w.WriteNumber("total_memblocks", d.Blocks.Count);
            // Omitted when any block is offline, as daxctl does.
            if (d.Blocks.Count > 0 && d.OnlineBlocks == d.Blocks.Count)
            {
                w.WriteBoolean("movable", d.Blocks.All(b => b.Zone == "Movable"));
            }
        }

        if (opt.Mappings && d.Mappings.Count > 0)
        {
            Mappings(w, d.Mappings, opt.Human);
        }

        if (d.Attribute is { } a)
        {
            w.WriteString("attribute", a.File);
            w.WriteString("attribute_state", a.Value);
        }

        if (d.Zones.Count > 0)
        {
            w.WriteStartArray("zones");
            foreach (var z in d.Zones)
            {
                w.WriteStringValue(z);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    // daxctl list -M: each mappingN's page offset, start, end and size.
    private static void Mappings(Utf8JsonWriter w, IReadOnlyList<MappingInfo> mappings, bool human)
    {
        w.WriteStartArray("mappings");
        foreach (var m in mappings)
        {
            w.WriteStartObject();
            Number(w, "page_offset", m.PageOffset, human);
            Number(w, "start", m.Start, human);
            Number(w, "end", m.End, human);
            Size(w, "size", m.Size, human);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Size(Utf8JsonWriter w, string key, ulong bytes, bool human)
    {
        if (human)
        {
            w.WriteString(key, HumanSize(bytes));
        }
        else
        {
            w.WriteNumber(key, bytes);
        }
    }

    private static void Number(Utf8JsonWriter w, string key, ulong value, bool human)
    {
        if (human)
        {
            w.WriteString(key, $"0x{value:x}");
        }
        else
        {
            w.WriteNumber(key, value);
        }
    }

    /// <summary>daxctl's display_size(): bytes below 5000 KiB, else "X.YY GiB (Z.WW GB)" (or MiB/MB below 2 GiB).</summary>
    public static string HumanSize(ulong bytes)
    {
        if (bytes < 5000 * 1024)
        {
            return bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        bool small = bytes < 2UL * 1024 * 1024 * 1024;
        ulong iec = small ? ((bytes * 200 / (1UL << 20)) + 1) / 2 : ((bytes * 200 / (1UL << 30)) + 1) / 2;
        ulong si = small ? ((bytes / (1000000 / 200)) + 1) / 2 : ((bytes / (1000000000 / 200)) + 1) / 2;
        return $"{iec / 100}.{iec % 100:00} {(small ? "MiB" : "GiB")} ({si / 100}.{si % 100:00} {(small ? "MB" : "GB")})";
    }
}
