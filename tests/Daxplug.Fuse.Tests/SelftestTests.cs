
namespace Daxplug.Fuse.Tests;

/// <summary>
/// The kernel's memory-hotplug selftest (oracle/selftests/mem-on-off-test.sh of 6.12, unmodified) inside sim exec:
/// it finds sysfs and debugfs in the mount table, runs its error-injection half, and meets the blocks a real kernel
/// refuses to offline. In the live-sysfs collection: the selftest forks thousands of processes, and the timed tests
/// there (a lock wait of 30 s) must not run beside it.
/// </summary>
[Collection("live sysfs")]
public class SelftestTests
{
    // The test forks a grep per block and state several times over: on default's 640 blocks it takes about a minute
    // alone, longer beside the other tests.
    private static (int Exit, string Out, string Err) Selftest(string machine, params string[] args) =>
        CliRunner.RunWithin(TimeSpan.FromMinutes(8), ["sim", "--machine", machine, "--kernel", "7.3", "exec", "--", "bash",
            Path.Combine(OracleTests.RepoRoot(), "oracle", "selftests", "mem-on-off-test.sh"), .. args]);

    [Fact]
    public void MemOnOffTest_PassesWithItsErrorInjectionHalf_AndSkipsNothing()
    {
        var (exit, stdout, stderr) = Selftest("qemu");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("Test with memory notifier error injection", stdout);
        Assert.DoesNotContain("skip", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unexpected", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MemOnOffTest_AllOfIt_MeetsTheBlocksTheKernelKeeps()
    {
        // default: memory0 spans DMA and DMA32, the kernel image is in memory5, node0's and node1's memmap and early
        // allocations in their top blocks (141-143, 269-271), and dax0.0's and dax1.0's first blocks were onlined
        // into a kernel zone of their memoryless nodes (kswapd's stack): every other block goes offline.
        var (exit, stdout, stderr) = Selftest("default", "-r", "100");
        Assert.True(exit == 1, stdout + stderr);
        var lines = stdout.Split('\n');
        var refused = lines.Select((line, i) => (line, i)).Where(x => x.line == "-> Failure")
            .Select(x => lines[x.i - 1].Replace("online->offline memory", "", StringComparison.Ordinal)).Select(long.Parse).Order();
        Assert.Equal([0, 5, 141, 142, 143, 269, 270, 271, 512, 1024], refused);
        Assert.Contains("FAILED - unable to offline some memory blocks, device busy?", stdout);
        Assert.Contains("Test with memory notifier error injection", stdout);
        Assert.DoesNotContain("unexpected", stdout + stderr, StringComparison.Ordinal);
    }
}
