using System.Text.Json;

namespace Daxplug.Fuse.Tests;

/// <summary>Real tools inside "daxplug sim exec" (root, /dev/fuse and unshare needed: CI runs as root).</summary>
[Collection("live sysfs")]
public class LiveSysfsTests
{
    private static (int Exit, string Out, string Err) Exec(string kernel, string script, string machine = "default") =>
        CliRunner.Run("sim", "--machine", machine, "--kernel", kernel, "exec", "--", "sh", "-c", script);

    private static (int Exit, string Out, string Err) Host(string command)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr);
    }

    [Fact]
    public void Lsmem_Default_ShowsBootAndDaxMemory()
    {
        var (exit, stdout, stderr) = Exec("hotplug@6.18", "lsmem -o RANGE,SIZE,STATE,BLOCK,NODE,ZONES");
        Assert.True(exit == 0, stderr);
        Assert.Equal(
            """
            RANGE                                  SIZE   STATE     BLOCK NODE          ZONES
            0x0000000000000000-0x0000000007ffffff  128M  online         0    0           None
            0x0000000008000000-0x000000007fffffff  1.9G  online      1-15    0          DMA32
            0x0000000100000000-0x000000047fffffff   14G  online    32-143    0         Normal
            0x0000000480000000-0x000000087fffffff   16G  online   144-271    1         Normal
            0x0000001000000000-0x00000017ffffffff   32G offline   512-767    2 Normal/Movable
            0x0000002000000000-0x00000021ffffffff    8G offline 1024-1087    3 Normal/Movable
            0x0000002400000000-0x00000025ffffffff    8G offline 1152-1215    3 Normal/Movable

            Memory block size:       128M
            Total online memory:      32G
            Total offline memory:     48G

            """, stdout);
        var json = JsonDocument.Parse(Exec("hotplug@6.18", "lsmem -J").Out).RootElement.GetProperty("memory");
        // Without NODE and ZONES columns lsmem merges by state only: 0-15, 32-271, 512-767, 1024-1087, 1152-1215.
        Assert.Equal(5, json.GetArrayLength());
        Assert.Equal("offline", json[4].GetProperty("state").GetString());
        Assert.Equal("0x0000002400000000-0x00000025ffffffff", json[4].GetProperty("range").GetString());
    }

    [Fact]
    public void MemTotal_FollowsADeviceOnlinedAndUnplugged_InProcMeminfoAndTheNodesMeminfo()
    {
        // dax0.0 is 32 GiB on node2; the boot memory is 32 GiB less its memmap (1/64), the host's never shows. Unplugged,
        // node2 has no memory and goes offline with its directory (try_offline_node()).
        var (exit, stdout, stderr) = Exec("7.3", """
            s=/sys/bus/dax/devices/dax0.0/state
            total() { sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo; }
            node2() { sed -n 's/^Node 2 \(Mem[A-Za-z]*\): *\([0-9]*\) kB$/\1=\2/p' /sys/devices/system/node/node2/meminfo | tr '\n' ' '; }
            echo "boot $(total) | $(node2)"
            echo unplugged > $s && echo online_movable > $s
            echo "online $(total) | $(node2)"
            echo unplugged > $s
            echo "unplugged $(total) | $(ls -d /sys/devices/system/node/node2 2>&1 | sed 's/.*: //')"
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("""
            boot 33029760 | MemTotal=0 MemFree=0 MemUsed=0 
            online 66584192 | MemTotal=33554432 MemFree=33554432 MemUsed=0 
            unplugged 33029760 | No such file or directory

            """, stdout);
    }

    [Fact]
    public void Dmesg_ReadsTheModelsLog_ButCanNeverClearTheHosts()
    {
        // The model's log starts with its banner; a unplug-and-online logs what 7.3's kmem and hotplug print; a line
        // written to /dev/kmsg is a user-space record; dmesg -C needs CAP_SYSLOG, which sim exec takes away; a
        // blocking read at the end of the log waits, and a signal ends it.
        var (exit, stdout, stderr) = Exec("7.3", """
            s=/sys/bus/dax/devices/dax1.0/state
            dmesg | sed 's/^\[[^]]*\] //'
            echo unplugged > $s; echo online > $s
            dmesg | grep -c 'Demotion targets'
            echo '<5>hello from user space' > /dev/kmsg
            dmesg -x | tail -1 | sed 's/\[[^]]*\] //'
            dmesg -C; echo "clear rc=$?"
            dmesg | grep -c .
            timeout 1 cat /dev/kmsg > /dev/null; echo "follow rc=$?"
            """);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal("Linux version 7.3 (daxplug's model of the kernel, machine default, 7.3)", lines[0]);
        Assert.True(int.Parse(lines[1]) > 0, stdout);
        Assert.Equal("user  :notice: hello from user space", lines[2]);
        Assert.Equal("clear rc=1", lines[3]);
        Assert.True(int.Parse(lines[4]) > 2, stdout);
        Assert.Equal("follow rc=124", lines[5]);
        Assert.Contains("dmesg: clear kernel buffer failed: Operation not permitted", stderr);
    }

    [Fact]
    public void Exec_RunsTheCommandWhereTheCallerIs()
    {
        using var tmp = new TempDir();
        File.WriteAllText(Path.Combine(tmp.Path, "here"), "");
        var (exit, stdout, stderr) = Host($"cd {tmp.Path} && {CliRunner.Command} sim exec -- sh -c 'pwd; ls'");
        Assert.True(exit == 0, stderr);
        Assert.Equal($"{tmp.Path}\nhere\n", stdout);
    }

    [Fact]
    public void Exec_DaxNodesCarryTheModelsNumbers_ButNeverOpenAHostDriver()
    {
        var (exit, stdout, stderr) = Exec("7.3", "stat -c '%n %F %t:%T' /dev/dax0.0 /dev/dax1.0; cat /dev/dax1.0; echo rc=$?");
        Assert.True(exit == 0, stderr);
        Assert.Equal("/dev/dax0.0 character special file fb:0\n/dev/dax1.0 character special file fb:1\nrc=1\n", stdout);
        Assert.Contains("/dev/dax1.0: Permission denied", stderr);
    }

    [Fact]
    public void Daxctl_CreateAndDestroyDevice_TheirNodesComeAndGoAsWithDevtmpfs()
    {
        var (exit, stdout, stderr) = Exec("7.3", """
            daxctl reconfigure-device -m devdax -f dax0.0 >/dev/null && daxctl disable-device dax0.0 \
                && daxctl reconfigure-device -s 16G dax0.0 >/dev/null || exit 9
            daxctl create-device -r 0 -s 1G >/dev/null; echo "rc=$?"
            ls /dev | grep '^dax'
            daxctl disable-device dax0.1; daxctl destroy-device dax0.1; echo "rc=$?"
            ls /dev | grep '^dax'
            daxctl list -D -R >/dev/null; echo "rc=$?"
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("rc=0\ndax0.0\ndax0.1\ndax1.0\nrc=0\ndax0.0\ndax1.0\nrc=0\n", stdout);
        Assert.Contains("created 1 device", stderr);
        Assert.Contains("destroyed 1 device", stderr);
        Assert.DoesNotContain("error", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("lsmem")]
    [InlineData("lsmem -J")]
    [InlineData("lsmem -o RANGE,SIZE,STATE,BLOCK,NODE,ZONES")]
    public void Lsmem_Host_IsWhatTheRealKernelShows(string command)
    {
        var real = Host(command);
        var sim = Exec("6.18", command, "host");
        Assert.Equal(0, real.Exit);
        Assert.Equal((0, real.Out), (sim.Exit, sim.Out));
    }

    [Fact]
    public void Chmem_ChangesExactlyTheBlocksAndReturnsItsExitCodes()
    {
        var (exit, stdout, stderr) = Exec("6.18", """
            chmem -e 1g -z Movable; echo "rc=$?"
            chmem -e 0x1040000000-0x107fffffff -z Normal; echo "rc=$?"
            chmem -e -b 1024-1025; echo "rc=$?"
            chmem -d 0x1000000000-0x103fffffff; echo "rc=$?"
            chmem -d -b 0-1; echo "rc=$?"
            chmem -d -b 0; echo "rc=$?"
            for b in 511 512 519 520 527 528 1024 1025 1026 1; do echo "$b $(cat /sys/devices/system/memory/memory$b/state 2>/dev/null || echo absent) $(cat /sys/devices/system/memory/memory$b/valid_zones 2>/dev/null)"; done
            """);
        Assert.Equal(0, exit);
        Assert.Equal("""
            rc=0
            rc=0
            rc=0
            rc=0
            rc=64
            rc=1
            511 absent 
            512 offline Normal Movable
            519 offline Normal Movable
            520 online Normal
            527 online Normal
            528 offline Normal Movable
            1024 online Movable
            1025 online Movable
            1026 offline Normal Movable
            1 offline DMA32 Movable

            """, stdout);
        Assert.Contains("Memory Block 0 (0x0000000000000000-0x0000000007ffffff) disable failed: Invalid argument", stderr);
    }

    [Fact]
    public void DaxctlList_ShowsBothDevicesWithSizesNodesModesAndMappings()
    {
        var (exit, stdout, stderr) = Exec("hotplug@6.18", "daxctl list -D -R -M");
        Assert.True(exit == 0, stderr);
        var regions = JsonDocument.Parse(stdout).RootElement.EnumerateArray().OrderBy(r => r.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(2, regions.Count);
        Assert.Equal("/platform/hmem.0", regions[0].GetProperty("path").GetString());
        var dax0 = regions[0].GetProperty("devices")[0];
        Assert.Equal("dax0.0", dax0.GetProperty("chardev").GetString());
        Assert.Equal(32L << 30, dax0.GetProperty("size").GetInt64());
        Assert.Equal(2, dax0.GetProperty("target_node").GetInt32());
        Assert.Equal("system-ram", dax0.GetProperty("mode").GetString());
        Assert.Equal(256, dax0.GetProperty("total_memblocks").GetInt32());
        var dax1 = regions[1].GetProperty("devices")[0];
        Assert.Equal(16L << 30, dax1.GetProperty("size").GetInt64());
        Assert.Equal(17179869184, regions[1].GetProperty("available_size").GetInt64());
        var mappings = dax1.GetProperty("mappings").EnumerateArray().Select(m => (m.GetProperty("start").GetInt64(), m.GetProperty("page_offset").GetInt64())).Order().ToList();
        Assert.Equal([(0x2000000000L, 0L), (0x2400000000L, 0x200000L)], mappings);
        // daxctl matches blocks by resource+size: for the discontiguous dax1.0 it counts 64 of its 128 (its bug).
        Assert.Equal(64, dax1.GetProperty("total_memblocks").GetInt32());

        var human = JsonDocument.Parse(Exec("hotplug@6.18", "daxctl list -d dax0.0 -u").Out).RootElement;
        Assert.Equal("32.00 GiB (34.36 GB)", human.GetProperty("size").GetString());
    }

    [Theory]
    [InlineData("6.18")]
    [InlineData("hotplug@6.18")]
    public void Daxctl_MemoryOperationsAndReconfigure_AsOnARealKernel(string abi)
    {
        var (exit, stdout, stderr) = Exec(abi, """
            daxctl online-memory dax0.0; echo "rc=$?"
            cat /sys/devices/system/memory/memory600/valid_zones
            daxctl online-memory dax0.0; echo "rc=$?"
            daxctl reconfigure-device -m devdax dax0.0 >/dev/null; echo "rc=$?"
            daxctl offline-memory dax0.0; echo "rc=$?"
            daxctl reconfigure-device -m devdax dax0.0 >/dev/null; echo "rc=$?"
            readlink /sys/bus/dax/devices/dax0.0/driver
            daxctl reconfigure-device -m system-ram -N dax0.0 >/dev/null; echo "rc=$?"
            cat /sys/devices/system/memory/memory600/state
            daxctl reconfigure-device -m devdax dax0.0 >/dev/null; echo "rc=$?"
            daxctl reconfigure-device -m system-ram --no-movable dax0.0 >/dev/null; echo "rc=$?"
            cat /sys/devices/system/memory/memory600/valid_zones
            daxctl reconfigure-device -m devdax -f dax0.0 >/dev/null; echo "rc=$?"
            echo online > /sys/devices/system/memory/auto_online_blocks
            daxctl reconfigure-device -m system-ram -N dax0.0 >/dev/null; echo "rc=$?"
            cat /sys/kernel/debug/daxplug/invariants
            """);
        Assert.Equal(0, exit);
        Assert.Equal("""
            rc=0
            Movable
            rc=1
            rc=240
            rc=0
            rc=0
            ../../../../bus/dax/drivers/device_dax
            rc=0
            offline
            rc=0
            rc=0
            Normal
            rc=240
            rc=240
            ok

            """, stdout);
        Assert.Contains("all memory sections (256) already online", stderr);
        Assert.Contains("error reconfiguring devices: Device or resource busy", stderr);
        // The first block onlined into node 2's kernel zone holds its kswapd: that device cannot go back to devdax.
        Assert.Contains("node2/memory512/state: Device or resource busy", stderr);
    }

    [Theory]
    [InlineData("hotplug@6.18", "hotplug", "unplug")]
    [InlineData("7.3", "state", "unplugged")]
    public void Attribute_FromAShell(string abi, string file, string unplug)
    {
        var (exit, stdout, stderr) = Exec(abi, $$"""
            a=/sys/bus/dax/devices/dax1.0/{{file}}
            if [ {{abi}} = 7.3 ]; then echo {{unplug}} > $a; fi
            echo online_movable > $a; echo "rc=$?"; cat $a
            cat /sys/devices/system/memory/memory1024/valid_zones /sys/devices/system/memory/memory1215/valid_zones
            echo bogus > $a; echo "rc=$?"
            echo online > $a; echo "rc=$?"
            echo 1 > /sys/kernel/debug/daxplug/memory/memory1200/unmovable
            echo {{unplug}} > $a; echo "rc=$?"; cat $a
            cat /sys/devices/system/memory/memory1024/state /sys/devices/system/memory/memory1200/valid_zones
            echo 0 > /sys/kernel/debug/daxplug/memory/memory1200/unmovable
            echo {{unplug}} > $a; echo "rc=$?"; cat $a
            [ -e /sys/devices/system/memory/memory1024 ] && echo present || echo absent
            cat /sys/kernel/debug/daxplug/invariants
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("""
            rc=0
            online_movable
            Movable
            Movable
            rc=1
            rc=1
            rc=1
            online_movable
            online
            Movable
            rc=0
            unplugged
            absent
            ok

            """, stdout);
    }

    [Fact]
    public void SelftestShape_OnlineOfflineOnline_AndInjectedErrorsLeaveStateUnchanged()
    {
        // tools/testing/selftests/memory-hotplug/mem-on-off-test.sh, reduced to its steps.
        var (exit, stdout, stderr) = Exec("6.18", """
            sys=$(mount -t sysfs | awk '{print $3}' | head -1); [ -n "$sys" ] || sys=/sys
            m=/sys/devices/system/memory
            for f in $m/memory*/state; do grep -q offline $f && echo online > $f; done
            echo "offline after online-all: $(grep -l offline $m/memory*/state | wc -l)"
            n=0; for b in 520 521 522 523 524 525; do echo offline > $m/memory$b/state && n=$((n+1)); done; echo "offlined $n"
            n=0; for b in 520 521 522 523 524 525; do echo online > $m/memory$b/state && n=$((n+1)); done; echo "onlined $n"
            inj=/sys/kernel/debug/notifier-error-inject/memory/actions
            echo -12 > $inj/MEM_GOING_OFFLINE/error
            echo offline > $m/memory530/state; echo "rc=$? $(cat $m/memory530/state)"
            echo 0 > $inj/MEM_GOING_OFFLINE/error
            echo offline > $m/memory530/state
            echo -12 > $inj/MEM_GOING_ONLINE/error
            echo online > $m/memory530/state; echo "rc=$? $(cat $m/memory530/state)"
            echo 0 > $inj/MEM_GOING_ONLINE/error
            echo online > $m/memory530/state; echo "rc=$? $(cat $m/memory530/state)"
            cat /sys/kernel/debug/daxplug/invariants
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("""
            offline after online-all: 0
            offlined 6
            onlined 6
            rc=1 online
            rc=1 offline
            rc=0 online
            ok

            """, stdout);
    }

    [Fact]
    public void Concurrency_EightProcessesOfMixedOps_FinishWithInvariantsIntact()
    {
        // 8 writers/readers, 1,250 operations each: 10,000 in all, on overlapping blocks and one device.
        var (exit, stdout, stderr) = Exec("hotplug@6.18", """
            m=/sys/devices/system/memory
            worker() {
              i=0
              while [ $i -lt 125 ]; do
                for b in 512 513 514 515 516; do
                  echo online_movable > $m/memory$b/state 2>/dev/null
                  read s < $m/memory$b/state
                  echo offline > $m/memory$b/state 2>/dev/null
                  read z < $m/memory$b/valid_zones
                done
                echo online_movable > /sys/bus/dax/devices/dax1.0/hotplug 2>/dev/null
                read h < /sys/bus/dax/devices/dax1.0/hotplug
                i=$((i+1))
              done
            }
            for w in 1 2 3 4 5 6 7 8; do worker & done
            wait
            cat /sys/kernel/debug/daxplug/invariants
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("ok\n", stdout);
    }

    [Fact]
    public void DaxplugList_HasDaxctlsKeys_AndTheTwoRangeDeviceShowsItsOwnBlocks()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "daxplug.dll");
        var (exit, stdout, stderr) = Exec("hotplug@6.18", $"daxctl list -D -R -M; echo '@@'; dotnet {dll} list --json -D -R -M; echo '@@'; dotnet {dll} blocks dax1.0");
        Assert.True(exit == 0, stderr);
        var parts = stdout.Split("@@\n");
        var daxctl = JsonDocument.Parse(parts[0]).RootElement;
        var daxplug = JsonDocument.Parse(parts[1]).RootElement;
        string[] daxplugOnly = ["attribute", "attribute_state", "zones"];
        foreach (var (a, b) in Regions(daxctl).Zip(Regions(daxplug)))
        {
            Assert.Equal(Keys(a), Keys(b));
            foreach (var (da, db) in a.GetProperty("devices").EnumerateArray().Zip(b.GetProperty("devices").EnumerateArray()))
            {
                Assert.Equal(Keys(da), Keys(db).Except(daxplugOnly));
                Assert.Equal(da.GetProperty("size").GetInt64(), db.GetProperty("size").GetInt64());
                foreach (var (ma, mb) in da.GetProperty("mappings").EnumerateArray().OrderBy(m => m.GetProperty("start").GetInt64())
                             .Zip(db.GetProperty("mappings").EnumerateArray().OrderBy(m => m.GetProperty("start").GetInt64())))
                {
                    Assert.Equal(Keys(ma), Keys(mb));
                    foreach (var key in Keys(ma))
                    {
                        Assert.Equal(ma.GetProperty(key).GetInt64(), mb.GetProperty(key).GetInt64());
                    }
                }
            }
        }

        // daxctl counts 64 blocks for dax1.0 (resource + size); daxplug counts its 128, in both ranges only.
        var dax1 = Regions(daxplug).Single(r => r.GetProperty("id").GetInt32() == 1).GetProperty("devices")[0];
        Assert.Equal(128, dax1.GetProperty("total_memblocks").GetInt32());
        Assert.Equal("hotplug", dax1.GetProperty("attribute").GetString());
        Assert.Equal("""
            RANGE                                      SIZE  STATE    BLOCK       NODE  ZONES
            0x0000002000000000-0x00000021ffffffff    8G  offline  1024-1087      3  Normal Movable
            0x0000002400000000-0x00000025ffffffff    8G  offline  1152-1215      3  Normal Movable

            """, parts[2]);
    }

    [Fact]
    public void Mainline_UnplugWithACompetingOnliner_IsDetectedAndRolledBack()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "daxplug.dll");
        var (exit, stdout, stderr) = Exec("6.18", $$"""
            sd=$(mktemp -d); stop=$sd/stop
            d="dotnet {{dll}} --sysroot / --state-dir $sd"
            $d set dax1.0 online_movable --yes >/dev/null || exit 9
            # A udev-style onliner (shell builtins only, so it reacts within a millisecond): the first time
            # memory1024 goes offline it puts it back online. daxplug offlines it first and looks again before
            # it unbinds. (An onliner that strikes between that look and the unbind strands the range: exit 3.)
            f=/sys/devices/system/memory/memory1024/state
            ( while [ ! -e $stop ]; do read s < $f; if [ "$s" = offline ]; then echo online > $f; break; fi; done ) 2>/dev/null &
            $d set dax1.0 unplugged --yes; echo "rc=$?"
            touch $stop; wait
            $d list dax1.0 --json | grep -o '"online_memblocks": [0-9]*'
            readlink /sys/bus/dax/devices/dax1.0/driver
            cat /sys/kernel/debug/daxplug/invariants
            rm -rf $sd
            """);
        Assert.Equal(0, exit);
        Assert.Equal("rc=1\n\"online_memblocks\": 128\n../../../../bus/dax/drivers/kmem\nok\n", stdout);
        Assert.Contains("another controller", stderr);
        Assert.Contains("rolled back, nothing changed", stderr);
    }

    [Fact]
    public void KillAtTwentyPointsOfATransaction_RecoverAlwaysRestores()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "daxplug.dll");
        var (exit, stdout, stderr) = Exec("6.18", $$"""
            sd=$(mktemp -d)
            d="dotnet {{dll}} --sysroot / --state-dir $sd"
            blocks=$(for b in $(seq 1024 1087) $(seq 1152 1215); do echo /sys/devices/system/memory/memory$b/state; done)
            ok=0
            for i in $(seq 20); do
              $d set dax1.0 online_movable --yes >/dev/null 2>&1 &
              pid=$!
              sleep 0.$(( (i * 37) % 9 + 1 ))$(( i % 10 ))
              kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
              $d recover --yes >/dev/null || echo "recover failed at $i"
              n=$(grep -l '^online' $blocks | wc -l)
              case "$n" in 0|128) ok=$((ok+1));; *) echo "point $i: $n online";; esac
              for f in $blocks; do grep -q '^online' $f && echo offline > $f; done
            done
            echo "converged $ok/20"
            [ -e $sd/transaction.json ] && echo "journal left" || true
            cat /sys/kernel/debug/daxplug/invariants
            rm -rf $sd
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("converged 20/20\nok\n", stdout);
    }

    private static IEnumerable<JsonElement> Regions(JsonElement root) => root.EnumerateArray().OrderBy(r => r.GetProperty("id").GetInt32());

    private static IEnumerable<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order();

    [Theory]
    [InlineData("server")]
    [InlineData("sim exec")]
    public void KillingTheServerOrSimExec_EndsTheCommand_AndLeavesNothingMounted(string victim)
    {
        // The command's marker: a sleep nobody else runs, to look for afterwards.
        var marker = $"1000.{Random.Shared.Next(100000, 999999)}";
        using var outer = Background(["sim", "exec", "--", "sh", "-c", $"echo ready; sleep {marker}"]);
        try
        {
            Assert.Equal("ready", outer.StandardOutput.ReadLine());
            Assert.NotEmpty(Processes(marker));
            var inner = ProcessTree.Children(outer.Id).Single();
            Assert.Equal(0, Host($"kill -9 {(victim == "server" ? inner : outer.Id)}").Exit);
            Assert.True(outer.WaitForExit(30_000));
            Assert.Equal(137, outer.ExitCode);
            Assert.True(SpinUntil(() => Processes(marker).Count == 0 && !ProcessTree.Alive(inner)), $"left running: {string.Join(", ", Processes(marker))}");
        }
        finally
        {
            Stop(outer);
        }

        AssertNothingMounted();
    }

    [Fact]
    public void KillingServe_UnmountsItsMount() => Serving((dir, server) =>
    {
        Assert.Equal(0, Host($"kill -9 {server.Id}").Exit);
        Assert.True(server.WaitForExit(30_000));
        Assert.True(SpinUntil(() => !Mounted(dir)),
            $"the mount of a killed server stayed ({Host($"stat -c %F {dir} 2>&1; grep ' {dir} ' /proc/self/mountinfo").Out.Trim()}); " +
            $"fusermount: {string.Join("; ", ProcessTree.All().Select(ProcessTree.CommandLine).Where(c => c.Contains("fusermount", StringComparison.Ordinal)))}");
    });

    [Fact]
    public void Serve_ChecksModesAgainstTheCaller_AsSysfsDoes() => Serving((dir, _) =>
    {
        var second = CliRunner.Run("sim", "serve", "--mount", dir);
        Assert.Equal((2, $"daxplug: --mount {dir}: another daxplug already serves a model there"), (second.Exit, second.Err.TrimEnd('\n')));
        var nobody = Host($"setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '" +
                          $"cat {dir}/sys/devices/system/memory/memory40/state; " +
                          $"echo offline > {dir}/sys/devices/system/memory/memory40/state || echo write refused; " +
                          $"cat {dir}/sys/bus/dax/devices/dax0.0/mapping0/start || echo read refused'");
        Assert.Equal("online\nwrite refused\nread refused\n", nobody.Out);
        Assert.Contains("Permission denied", nobody.Err);
        Assert.Equal("0x1000000000\n", Host($"cat {dir}/sys/bus/dax/devices/dax0.0/mapping0/start").Out);
        Assert.Equal("online\n", File.ReadAllText($"{dir}/sys/devices/system/memory/memory40/state"));
    });

    [Fact]
    public void Serve_SigtermTwiceWhileTheMountIsInUse_LeavesNoMount() => Serving((dir, server) =>
    {
        // A shell keeps the mount busy (its working directory) while both signals come; once it leaves, the
        // server ends.
        var busy = Host($"cd {dir}/sys/devices && kill -TERM {server.Id} && kill -TERM {server.Id} && sleep 0.5 && grep -c ' {dir} ' /proc/self/mountinfo");
        Assert.Equal("0\n", busy.Out);
        Assert.True(server.WaitForExit(30_000));
        Assert.Equal(0, server.ExitCode);
        Assert.False(Mounted(dir));
    });

    // "sim serve" on a fresh directory, mounted, for the test; stopped and unmounted after it, also when it failed.
    // The mount point is a directory of the test's own: fusermount3's auto_unmount first checks, in a namespace of
    // its own, that the mount is there by a recursive bind of its parent, which other tests' mounts coming and going
    // under /tmp at the same moment can make fail (then it leaves the mount).
    private static void Serving(Action<string, System.Diagnostics.Process> test)
    {
        using var tmp = new TempDir();
        var dir = Directory.CreateDirectory(Path.Combine(tmp.Path, "m")).FullName;
        using var server = Background(["sim", "serve", "--mount", dir]);
        try
        {
            Assert.Equal($"mounted {dir}", server.StandardOutput.ReadLine());
            test(dir, server);
        }
        finally
        {
            Stop(server, dir);
        }
    }

    [Fact]
    public void AnInjectedErrnoFuseCannotCarry_ComesBackAsErange_NotAHang()
    {
        var (exit, stdout, stderr) = Exec("hotplug@6.18", """
            inj=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
            for v in -16 -511 -512 -600 -999 -4095; do
              echo $v > $inj
              echo "$v $(printf offline | timeout 10 dd of=/sys/devices/system/memory/memory268/state 2>&1 | grep -o 'Device or resource busy\|Unknown error 511\|Numerical result out of range')"
            done
            echo 0 > $inj
            cat /sys/devices/system/memory/memory268/state
            """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("""
            -16 Device or resource busy
            -511 Unknown error 511
            -512 Numerical result out of range
            -600 Numerical result out of range
            -999 Numerical result out of range
            -4095 Numerical result out of range
            online

            """, stdout);
    }

    [Fact]
    public void Set_WithAKernelThatAlwaysAnswersEintr_GivesUpAndRollsBack()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "daxplug.dll");
        var (exit, stdout, stderr) = Exec("6.18", $$"""
            sd=$(mktemp -d)
            d="dotnet {{dll}} --sysroot / --state-dir $sd"
            $d set dax1.0 online_movable >/dev/null || exit 9
            echo 1 > /sys/kernel/debug/daxplug/memory/memory1030/signal_pending
            timeout 120 $d set dax1.0 unplugged; echo "rc=$?"
            $d list dax1.0 --json | grep -o '"online_memblocks": [0-9]*'
            rm -rf $sd
            """);
        Assert.True(exit == 0, stderr);
        // The retries of the one write give up (offline_pages' "signal backoff" is a pr_debug, not in the log), then
        // a rollback: nothing changed.
        Assert.Equal("rc=1\n\"online_memblocks\": 128\n", stdout);
        Assert.Contains("memory1030: writing 'offline' failed: Interrupted system call", stderr);
        Assert.Contains("rolled back, nothing changed", stderr);
    }

    [Fact]
    public void Set_AfterAnotherDaxplugUnplugged_NeverClaimsASuccessItDidNotHave()
    {
        // Issue 14, item 5: the second set waits for the first one's lock, then must look at the device again.
        var dll = Path.Combine(AppContext.BaseDirectory, "daxplug.dll");
        var (exit, stdout, stderr) = Exec("6.18", $$"""
            sd=$(mktemp -d)
            d="dotnet {{dll}} --state-dir $sd"
            $d set dax0.0 online_movable >/dev/null || exit 9
            $d set dax0.0 unplugged > $sd/first 2>&1 &
            sleep 1
            $d set dax0.0 online_movable; echo "rc=$?"
            wait
            cat $sd/first
            readlink /sys/bus/dax/devices/dax0.0/driver || echo unbound
            rm -rf $sd
            """, machine: "tib");
        Assert.True(exit == 0, stderr);
        Assert.Equal("rc=1\ndax0.0: online_movable -> unplugged\nunbound\n", stdout);
        Assert.Contains("dax0.0 is not bound to kmem", stderr);
    }

    private static System.Diagnostics.Process Background(string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "daxplug.dll") }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }

    // Ends a process this test started (and, if given, lazily unmounts what it may have left on the directory).
    private static void Stop(System.Diagnostics.Process p, string? mount = null)
    {
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }

        if (mount is not null && Mounted(mount))
        {
            Host($"umount -l {mount}");
        }
    }

    private static bool Mounted(string dir) => File.ReadAllText("/proc/self/mountinfo").Contains($" {dir} ", StringComparison.Ordinal);

    // The pids of processes whose command line has the marker.
    private static List<int> Processes(string marker) =>
        ProcessTree.All().Where(pid => ProcessTree.CommandLine(pid).Contains(marker, StringComparison.Ordinal)).ToList();

    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(() =>
    {
        if (condition())
        {
            return true;
        }

        Thread.Sleep(50);
        return false;
    }, TimeSpan.FromSeconds(15));

    [Fact]
    public void Serve_MountsUntilSigterm_ThenUnmounts()
    {
        using var tmp = new TempDir();
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "daxplug.dll"), "sim", "serve", "--mount", tmp.Path })
        {
            psi.ArgumentList.Add(a);
        }

        using var server = System.Diagnostics.Process.Start(psi)!;
        try
        {
            Assert.Equal($"mounted {tmp.Path}", server.StandardOutput.ReadLine());
            var lsmem = Host($"lsmem --sysroot {tmp.Path} -o RANGE,STATE,NODE | tail -n +2 | head -3");
            Assert.Contains("0x0000000100000000-0x000000047fffffff  online    0", lsmem.Out);
            Assert.Equal("offline\n", File.ReadAllText(Path.Combine(tmp.Path, "sys/bus/dax/devices/dax0.0/state")));
            Assert.Equal(0, Host($"kill -TERM {server.Id}").Exit);
            Assert.True(server.WaitForExit(30_000));
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
                server.WaitForExit();
            }

            if (File.ReadAllText("/proc/self/mountinfo").Contains($" {tmp.Path} ", StringComparison.Ordinal))
            {
                Host($"umount -l {tmp.Path}");
            }
        }

        AssertNothingMounted();
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }

    private static void AssertNothingMounted()
    {
        var mounts = File.ReadAllText("/proc/self/mountinfo");
        Assert.DoesNotContain("fuse.daxplug", mounts);
        Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), "daxplug-ns-*"));
    }
}
