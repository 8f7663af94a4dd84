using System.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Control.Policy;
using Daxplug.Control.Transitions;

namespace Daxplug.Cli.CommandLine;

/// <summary>The policy that "apply" and "watch" converge to: where it is read from, and one pass of applying it.</summary>
internal sealed class PolicyOptions
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "Policy file (default /etc/daxplug.conf); daxctl.conf.d sections are read too", HelpName = "FILE" };

    public Option<string> DaxctlConf { get; } = new("--daxctl-conf") { Description = "daxctl's config directory", HelpName = "DIR", DefaultValueFactory = _ => "/etc/daxctl.conf.d" };

    public IReadOnlyList<Option> All => [Config, DaxctlConf];

    /// <summary>The rules of the policy file and of daxctl.conf.d, in that order; warnings go to stderr.</summary>
    public List<PolicyRule> Load(ParseResult r)
    {
        var warnings = new List<string>();
        var rules = new List<PolicyRule>();
        var file = r.GetValue(Config);
        if (file is not null && !File.Exists(file))
        {
            throw new CliException($"--config {file}: {(Directory.Exists(file) ? "is a directory" : "no such file")}", CliException.Usage);
        }

        file ??= "/etc/daxplug.conf";
        if (File.Exists(file))
        {
            rules.AddRange(PolicyFile.Parse(File.ReadAllText(file), file, warnings));
        }

        if (Directory.Exists(r.GetValue(DaxctlConf)))
        {
            foreach (var f in Directory.EnumerateFiles(r.GetValue(DaxctlConf)!, "*.conf").Order())
            {
                rules.AddRange(PolicyFile.Parse(File.ReadAllText(f), f, warnings));
            }
        }

        warnings.ForEach(w => Console.Error.WriteLine($"daxplug: {w}"));
        return rules;
    }

    /// <summary>Applies once and reports every outcome: the exit code, and whether a pending journal refused it all.</summary>
    public static (int Code, bool Refused) ApplyOnce(ControllerTarget t, List<PolicyRule> rules, bool recover)
    {
        var results = new Apply(t.Sysfs, t.Controller(recover)).Run(rules);
        foreach (var (_, outcome) in results)
        {
            OutcomeReport.Print(outcome);
        }

        return (results.Count == 0 ? 0 : results.Max(x => (int)x.Outcome.Code),
            results is [(Apply.Everything, { Code: not OutcomeCode.Done })]);
    }
}
