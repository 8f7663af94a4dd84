using Daxplug.Lab;
using System.CommandLine;
using Daxplug.Control.Discovery;
using Daxplug.Control.Listing;
using Daxplug.Control.Sysfs;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;

namespace Daxplug.Cli;

/// <summary>The controller verbs: list, blocks, set, recover — on /sys, a mount, or the in-process model.</summary>
internal static class ControlCommands
{
    /// <summary>
    /// What a verb acts on: a sysfs, and with --sim the in-process kernel and its state file, which a verb that
    /// writes reads, changes and saves under the state directory's lock (<see cref="Held"/>), so that two
    /// daxplug processes never lose each other's changes. The kernel is saved when the verb ends, however it
    /// ends, as a real kernel keeps whatever was done to it.
    /// </summary>
    private sealed record Target(ISysfs Sysfs, KernelModel? Model, string? StateFile, StateDir StateDir, IDisposable? Held, IDisposable? StateLock = null) : IDisposable
    {
        public Controller Controller(bool recoverFirst = false) => new(Sysfs, StateDir, Progress.Create()) { RecoverFirst = recoverFirst };

        public void Dispose()
        {
            try
            {
                if (Held is not null && Model is not null)
                {
                    SimModel.Save(Model, StateFile);
                }
            }
            finally
            {
                StateLock?.Dispose();
                Held?.Dispose();
            }
        }
    }

    public static IEnumerable<Command> Build(RootCommand root)
    {
        var sysfsOpt = new Option<string>("--sysfs") { Description = "The sysfs to act on (default /sys; a FUSE mount of the model works too)", DefaultValueFactory = _ => "/sys", Recursive = true };
        var simOpt = new Option<string?>("--sim") { Description = "Act on the in-process simulated kernel instead (a built-in machine or a machine file; default 'default'); its state is kept in --state-dir", Arity = ArgumentArity.ZeroOrOne, Recursive = true };
        var kernelOpt = SimOptions.KernelOption("--sim-kernel");
        var stateDirOpt = new Option<string>("--state-dir") { Description = "Lock, journal and --sim state live here", DefaultValueFactory = _ => "/var/lib/daxplug", Recursive = true };
        foreach (var o in new Option[] { sysfsOpt, simOpt, kernelOpt, stateDirOpt })
        {
            root.Options.Add(o);
        }

        Target Open(ParseResult r, bool writes = false)
        {
            var stateDir = new StateDir(Path.GetFullPath(r.GetValue(stateDirOpt)!));
            if (r.GetResult(simOpt) is null)
            {
                return new Target(HostRoot(r.GetValue(sysfsOpt)!), null, null, stateDir, null);
            }

            var machine = r.GetValue(simOpt) ?? "default";
            var name = SimStateName(machine);
            var file = Path.Combine(stateDir.Path, $"sim-{name}.json");
            var held = writes ? stateDir.Lock(StateDir.LockTimeout) : null;
            IDisposable? stateLock = null;
            try
            {
                // The state file has a lock of its own too, which "sim --state FILE" verbs take.
                stateLock = writes ? SimModel.Lock(file) : null;
                var kernel = SimModel.Open(machine, r.GetValue(kernelOpt), file);

                return new Target(ModelSysfs.Create(kernel, $"model:{name}"), kernel, file, stateDir, held, stateLock);
            }
            catch
            {
                stateLock?.Dispose();
                held?.Dispose();
                throw;
            }
        }

        var recoverFirst = new Option<bool>("--recover") { Description = "If a transaction was interrupted (a pending journal), recover it first instead of refusing to start" };

        var dev = new Argument<string?>("device") { Description = "A dax device (dax0.0); all when omitted", Arity = ArgumentArity.ZeroOrOne };
        var devices = new Option<bool>("-D", "--devices") { Description = "List devices (the default)" };
        var regions = new Option<bool>("-R", "--regions") { Description = "List regions (with -D: devices nested in them)" };
        var mappings = new Option<bool>("-M", "--mappings") { Description = "Include each device's mappings" };
        var human = new Option<bool>("-u", "--human") { Description = "Human sizes and hex addresses (JSON)" };
        var json = new Option<bool>("--json", "-j") { Description = "JSON in daxctl list's format (the default when not on a terminal)" };
        var list = new Command("list", "List dax regions and devices: modes, sizes, nodes, blocks online, zones, the kernel's attribute.\n\n" +
                                       "Examples:\n  daxplug list\n  daxplug list --json -R -D -M\n  daxplug --sim list dax1.0 -u");
        foreach (var o in new Option[] { devices, regions, mappings, human, json })
        {
            list.Options.Add(o);
        }

        list.Arguments.Add(dev);
        list.SetAction(r =>
        {
            using var t = Open(r);
            var inv = Discover.Run(t.Sysfs);
            var name = r.GetValue(dev);
            if (name is not null && inv.Device(name) is null)
            {
                throw new CliException($"no dax device '{name}'", CliException.Usage);
            }

            bool asJson = r.GetValue(json) || r.GetValue(human) || r.GetValue(regions) || r.GetValue(mappings) || Console.IsOutputRedirected;
            var opt = new ListOptions(r.GetValue(devices) || !r.GetValue(regions), r.GetValue(regions), r.GetValue(mappings), r.GetValue(human));
            Console.Out.Write(asJson ? DaxctlJson.Render(inv, opt, name) : Tables.Devices(inv with { Devices = inv.Devices.Where(d => name is null || d.Name == name).ToList() }));
            if (t.Controller().PendingNote() is { } pending)
            {
                Console.Error.WriteLine($"daxplug: {pending.What}");
            }

            return 0;
        });

        var blocksDev = new Argument<string?>("device") { Description = "Only this device's blocks", Arity = ArgumentArity.ZeroOrOne };
        var blocksJson = new Option<bool>("-J", "--json") { Description = "JSON: one object per block" };
        var blocks = new Command("blocks", "Memory blocks as lsmem shows them (RANGE SIZE STATE BLOCK NODE ZONES), for all memory or one device");
        blocks.Arguments.Add(blocksDev);
        blocks.Options.Add(blocksJson);
        blocks.SetAction(r => Blocks(Open(r).Sysfs, r.GetValue(blocksDev), r.GetValue(blocksJson)));

        var setDev = new Argument<string>("device") { Description = "The dax device (dax0.0)" };
        var state = new Argument<string>("state") { Description = "unplugged | online | online_kernel | online_movable" };
        state.CompletionSources.Add(Controller.Targets);
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Say what would be done; change nothing" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before writing this machine's real /sys" };
        var set = new Command("set", "Move a whole device to a state, atomically: with the kernel's attribute when it has one, else as a " +
                                     "locked, journalled per-block transaction that rolls back on any failure or interference. The verdict is " +
                                     "read back from sysfs after the change. A transaction that was killed half way leaves its journal, which " +
                                     "blocks every change until 'daxplug recover' (or --recover) has dealt with it.\n" +
                                     "Exit codes: 0 done, 1 failed or refused (nothing changed), 2 usage, 3 failed and not fully rolled back " +
                                     "(the message says which blocks are where).\n\n" +
                                     "Examples:\n  daxplug --sim set dax1.0 online_movable\n  daxplug set dax0.0 unplugged --dry-run");
        set.Arguments.Add(setDev);
        set.Arguments.Add(state);
        set.Options.Add(dryRun);
        set.Options.Add(yes);
        set.Options.Add(recoverFirst);
        set.SetAction(r =>
        {
            if (r.GetValue(dryRun))
            {
                using var look = Open(r);
                var plan = look.Controller().Plan(r.GetValue(setDev)!, r.GetValue(state)!);
                if (plan.Code == OutcomeCode.Done && look.Controller().PendingNote() is { } pending)
                {
                    plan = plan with { Message = $"{plan.Message}; but {pending.What}" };
                }

                return Report(plan);
            }

            using var t = Open(r, writes: true);
            Confirm(t.Sysfs, r.GetValue(yes), $"set {r.GetValue(setDev)} {r.GetValue(state)}");
            var outcome = t.Controller(r.GetValue(recoverFirst)).Set(r.GetValue(setDev)!, r.GetValue(state)!);
            return Report(outcome);
        });

        var recover = new Command("recover", "Deal with a transaction that a crash or kill left half done (the journal in --state-dir): put every " +
                                              "block back as it was, or complete the transaction where the kernel already got past its unplug or plug. " +
                                              "Acts only on blocks of the journal's device, refuses a journal that disagrees with it, and can itself be " +
                                              "killed and run again. Until it has run, every verb that writes refuses to start.\n" +
                                              "Exit codes: 0 done (or nothing to do), 1 the journal cannot be acted on (it stays), 3 blocks could not be put back (the journal stays).");
        recover.Options.Add(yes);
        recover.SetAction(r =>
        {
            using var t = Open(r, writes: true);
            Confirm(t.Sysfs, r.GetValue(yes), "recover");
            var outcome = t.Controller().Recover();
            return Report(outcome);
        });
        var rdev = new Argument<string>("device") { Description = "The dax device (dax0.0)" };
        var mode = new Option<string>("--mode", "-m") { Description = "system-ram (kmem) or devdax (device_dax)", Required = true };
        var noOnline = new Option<bool>("--no-online", "-N") { Description = "system-ram: leave the memory offline" };
        var noMovable = new Option<bool>("--no-movable") { Description = "system-ram: online into the kernel's zone choice, not ZONE_MOVABLE" };
        var force = new Option<bool>("--force", "-f") { Description = "system-ram: ignore an auto-onlining kernel policy; devdax: unplug online memory first" };
        var reconfigure = new Command("reconfigure", "Switch a device between system-ram (kmem) and devdax (device_dax), as daxctl reconfigure-device " +
                                                     "does, but with an atomic online/unplug and a rollback of the driver switch.\n\n" +
                                                     "Examples:\n  daxplug reconfigure dax0.0 --mode devdax --force\n  daxplug reconfigure dax0.0 --mode system-ram --no-movable");
        reconfigure.Arguments.Add(rdev);
        foreach (var o in new Option[] { mode, noOnline, noMovable, force, yes, recoverFirst })
        {
            reconfigure.Options.Add(o);
        }

        reconfigure.SetAction(r =>
        {
            using var t = Open(r, writes: true);
            var m = r.GetValue(mode)!;
            if (m is not ("system-ram" or "devdax"))
            {
                throw new CliException($"unknown --mode '{m}' (system-ram or devdax)", CliException.Usage);
            }

            Confirm(t.Sysfs, r.GetValue(yes), $"reconfigure {r.GetValue(rdev)} --mode {m}");
            var rc = new Reconfigure(t.Sysfs, t.Controller(r.GetValue(recoverFirst)));
            var outcome = m == "system-ram"
                ? rc.ToSystemRam(r.GetValue(rdev)!, !r.GetValue(noOnline), !r.GetValue(noMovable), r.GetValue(force))
                : rc.ToDevdax(r.GetValue(rdev)!, r.GetValue(force));
            return Report(outcome);
        });

        var doctorRoot = new Option<string>("--root") { Description = "Where /etc, /run, /usr/lib, /lib and /proc are (for checking an image)", DefaultValueFactory = _ => "/" };
        var doctorJson = new Option<bool>("--json", "-j") { Description = "JSON: a list of findings" };
        var doctor = new Command("doctor", "Find competing controllers of device memory: udev rules that online memory, auto_online_blocks, " +
                                           "memhp_default_state, online_policy, daxctl.conf.d and its service. Exit 1 if any warning.");
        doctor.Options.Add(doctorRoot);
        doctor.Options.Add(doctorJson);
        doctor.SetAction(r =>
        {
            using var t = Open(r);
            var findings = Daxplug.Control.Doctor.Checkup.Run(t.Sysfs, r.GetValue(doctorRoot)!, t.Controller().PendingNote());
            Console.Out.Write(r.GetValue(doctorJson) ? DoctorJson(findings) : DoctorText(findings));
            return findings.Any(f => f.Severity == Daxplug.Control.Doctor.Severity.Warning) ? 1 : 0;
        });
        var config = new Option<string?>("--config", "-c") { Description = "Policy file (default /etc/daxplug.conf); daxctl.conf.d sections are read too" };
        var daxctlConf = new Option<string>("--daxctl-conf") { Description = "daxctl's config directory", DefaultValueFactory = _ => "/etc/daxctl.conf.d" };
        var apply = new Command("apply", "Converge every device a policy selects to its desired mode and state; idempotent.\n\n" +
                                         "Policy file: [device] sections with selectors name (glob), region, resource, target_node, size and\n" +
                                         "the desired mode (system-ram, devdax) and state (unplugged, online, online_kernel, online_movable), e.g.\n" +
                                         "  [device]\n  target_node = 3\n  state = online_movable");
        apply.Options.Add(config);
        apply.Options.Add(daxctlConf);
        apply.Options.Add(yes);
        apply.Options.Add(recoverFirst);
        List<Daxplug.Control.Policy.PolicyRule> LoadRules(ParseResult r)
        {
            var warnings = new List<string>();
            var rules = new List<Daxplug.Control.Policy.PolicyRule>();
            var file = r.GetValue(config);
            if (file is not null && !File.Exists(file))
            {
                throw new CliException($"--config {file}: {(Directory.Exists(file) ? "is a directory" : "no such file")}", CliException.Usage);
            }

            file ??= "/etc/daxplug.conf";
            if (File.Exists(file))
            {
                rules.AddRange(Daxplug.Control.Policy.PolicyFile.Parse(File.ReadAllText(file), file, warnings));
            }

            if (Directory.Exists(r.GetValue(daxctlConf)))
            {
                foreach (var f in Directory.EnumerateFiles(r.GetValue(daxctlConf)!, "*.conf").Order())
                {
                    rules.AddRange(Daxplug.Control.Policy.PolicyFile.Parse(File.ReadAllText(f), f, warnings));
                }
            }

            warnings.ForEach(w => Console.Error.WriteLine($"daxplug: {w}"));
            return rules;
        }

        // Applies once, reports every outcome; the exit code, and whether a pending journal refused it all.
        (int Code, bool Refused) RunApply(Target t, List<Daxplug.Control.Policy.PolicyRule> rules, bool recover)
        {
            var results = new Daxplug.Control.Policy.Apply(t.Sysfs, t.Controller(recover)).Run(rules);
            foreach (var (_, outcome) in results)
            {
                Report(outcome);
            }

            return (results.Count == 0 ? 0 : results.Max(x => (int)x.Outcome.Code),
                results is [(Daxplug.Control.Policy.Apply.Everything, { Code: not OutcomeCode.Done })]);
        }

        apply.SetAction(r =>
        {
            var rules = LoadRules(r);
            using var t = Open(r, writes: true);
            if (rules.Count == 0)
            {
                Console.Out.WriteLine("no policy: nothing to apply");
                return 0;
            }

            Confirm(t.Sysfs, r.GetValue(yes), "apply");
            return RunApply(t, rules, r.GetValue(recoverFirst)).Code;
        });

        var settle = new Option<int>("--settle") { Description = "Milliseconds without new events before applying", DefaultValueFactory = _ => 1000 };
        var watch = new Command("watch", "Listen to the kernel's uevents (netlink) and apply the policy whenever dax devices or memory " +
                                         "blocks are added, once per burst; runs until SIGINT/SIGTERM. Acts on this machine's /sys only.");
        foreach (var o in new Option[] { config, daxctlConf, settle, yes, recoverFirst })
        {
            watch.Options.Add(o);
        }

        watch.SetAction(r =>
        {
            using var t = Open(r);
            if (!t.Sysfs.IsHost)
            {
                throw new CliException("watch reacts to this kernel's events, so it acts on /sys only (not --sim or another --sysfs)", CliException.Usage);
            }

            var rules = LoadRules(r);
            Confirm(t.Sysfs, r.GetValue(yes), "watch");
            using var cancel = new CancellationTokenSource();
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
            using var intr = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
            using var socket = new Daxplug.Control.Watch.UeventSocket();
            Console.Out.WriteLine($"watching for dax and memory events ({rules.Count} rule(s))");
            if (RunApply(t, rules, r.GetValue(recoverFirst)) is { Refused: true } refused)
            {
                return refused.Code; // an interrupted transaction: watch does not start until it is recovered
            }

            new Daxplug.Control.Watch.Watcher(socket, events =>
            {
                Console.Out.WriteLine($"{events.Count} event(s), first: {events[0].Action} {events[0].DevPath}");
                try
                {
                    RunApply(t, rules, r.GetValue(recoverFirst));
                }
                catch (IOException e)
                {
                    // Another daxplug held the lock too long, or sysfs failed: the next burst tries again.
                    Console.Error.WriteLine($"daxplug: {e.Message}; trying again at the next event");
                }
            }, TimeSpan.FromMilliseconds(r.GetValue(settle))).Run(cancel.Token);
            return 0;
        });

        var shell = new Argument<string>("shell") { Description = "bash" };
        var completion = new Command("completion", "Print a shell completion script: eval \"$(daxplug completion bash)\" or save it in /etc/bash_completion.d/daxplug");
        completion.Arguments.Add(shell);
        completion.SetAction(r =>
        {
            if (r.GetValue(shell) != "bash")
            {
                throw new CliException($"no completion for '{r.GetValue(shell)}' (bash only)", CliException.Usage);
            }

            // System.CommandLine answers "[suggest:POS] LINE" with the candidates, one per line.
            Console.Out.Write(string.Join('\n',
                "_daxplug() {",
                "  local IFS=$'\\n'",
                "  COMPREPLY=($(command daxplug \"[suggest:${COMP_POINT}]\" \"${COMP_LINE}\" 2>/dev/null))",
                "}",
                "complete -o default -F _daxplug daxplug",
                ""));
            return 0;
        });
        return [list, blocks, set, recover, reconfigure, doctor, apply, watch, completion];
    }

    private static int Report(Outcome outcome)
    {
        (outcome.Code == OutcomeCode.Done ? Console.Out : Console.Error).WriteLine((outcome.Code == OutcomeCode.Done ? "" : "daxplug: ") + outcome.Message);
        if (outcome.Note is { } note)
        {
            Console.Error.WriteLine($"daxplug: note: {note}");
        }

        return (int)outcome.Code;
    }

    // Writing the machine's real /sys is never implicit.
    private static void Confirm(ISysfs sysfs, bool yes, string what)
    {
        if (!sysfs.IsHost || yes)
        {
            return;
        }

        if (Console.IsInputRedirected)
        {
            throw new CliException($"{what} would write this machine's /sys; add --yes to confirm", CliException.Usage);
        }

        Console.Error.Write($"daxplug: {what} writes this machine's /sys. Continue? [y/N] ");
        if (StdStreams.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
        {
            throw new CliException("not confirmed; nothing changed", CliException.Usage);
        }
    }

    private static string DoctorText(List<Daxplug.Control.Doctor.Finding> findings)
    {
        if (findings.Count == 0)
        {
            return "no competing controllers found\n";
        }

        var sb = new System.Text.StringBuilder();
        foreach (var f in findings)
        {
            sb.Append($"{(f.Severity == Daxplug.Control.Doctor.Severity.Warning ? "warning" : "info")}: {f.Where}: {f.What}\n  why: {f.Why}\n  fix: {f.Fix}\n");
        }

        return sb.ToString();
    }

    private static string DoctorJson(List<Daxplug.Control.Doctor.Finding> findings) => JsonText.Render(w =>
        {
            w.WriteStartArray();
            foreach (var f in findings)
            {
                w.WriteStartObject();
                w.WriteString("severity", f.Severity == Daxplug.Control.Doctor.Severity.Warning ? "warning" : "info");
                w.WriteString("where", f.Where);
                w.WriteString("what", f.What);
                w.WriteString("why", f.Why);
                w.WriteString("fix", f.Fix);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    /// <summary>
    /// The name of a --sim machine's state ("sim-NAME.json"): a built-in's name, or a machine file's name and a hash
    /// of its full path (two files called default.json, or one and the built-in, do not share a state).
    /// </summary>
    private static string SimStateName(string machine)
    {
        if (BuiltinMachines.Names.Contains(machine))
        {
            return machine;
        }

        var full = Path.GetFullPath(machine);
        return Daxplug.Control.Files.FileNames.Unique(Path.GetFileNameWithoutExtension(full), full);
    }

    /// <summary>A sysfs root given with --sysfs, checked to be one.</summary>
    public static HostSysfs HostRoot(string sys) => Directory.Exists(Path.Combine(sys, "devices/system/memory"))
        ? new HostSysfs(sys)
        : throw new CliException($"--sysfs {sys}: not a sysfs with memory hotplug (no devices/system/memory)", CliException.Usage);

    /// <summary>"daxplug blocks [DEV] [-J]": every memory block, or one device's, as a table or JSON.</summary>
    public static int Blocks(ISysfs sysfs, string? device, bool json)
    {
        var list = device is null
            ? Discover.AllBlocks(sysfs, Discover.BlockSize(sysfs))
            : (Discover.Device(sysfs, device) ?? throw new CliException($"no dax device '{device}'", CliException.Usage)).Blocks;
        StdStreams.WriteOut(json ? BlocksJson(list) : Tables.Blocks(list));
        return 0;
    }

    /// <summary>
    /// "daxplug [--sysfs ROOT] blocks [DEV] [-J|--json]" without building the whole command line: it is what
    /// scripts and udev rules run, and start-up is most of its time. Any other shape returns null (the full parser
    /// takes it, with its help and errors).
    /// </summary>
    public static int? BlocksFastPath(string[] args)
    {
        int i = 0;
        string sys = "/sys";
        if (args.Length > 1 && args[0] == "--sysfs")
        {
            sys = args[1];
            i = 2;
        }

        if (i >= args.Length || args[i] != "blocks")
        {
            return null;
        }

        string? device = null;
        bool json = false;
        foreach (var a in args.Skip(i + 1))
        {
            if (a is "-J" or "--json" && !json)
            {
                json = true;
            }
            else if (!a.StartsWith('-') && device is null)
            {
                device = a;
            }
            else
            {
                return null;
            }
        }

        return Blocks(HostRoot(sys), device, json);
    }

    private static string BlocksJson(IReadOnlyList<BlockInfo> blocks) => JsonText.Render(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("memory");
            foreach (var b in blocks)
            {
                w.WriteStartObject();
                w.WriteString("range", $"0x{b.Start:x16}-0x{b.Start + b.Size - 1:x16}");
                w.WriteNumber("block", b.Id);
                w.WriteString("state", b.State);
                w.WriteNumber("node", b.Node);
                w.WriteString("zones", b.Zones);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
}

/// <summary>A progress bar on stderr for long transactions, only on a terminal.</summary>
internal static class Progress
{
    public static Action<int, int>? Create()
    {
        if (Console.IsErrorRedirected)
        {
            return null;
        }

        return (done, total) =>
        {
            if (total < 16 || (done % Math.Max(1, total / 50) != 0 && done != total))
            {
                return;
            }

            int width = 40, filled = done * width / total;
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
            if (done == total)
            {
                Console.Error.Write("\r" + new string(' ', width + 24) + "\r");
            }
        };
    }
}
