using System.CommandLine;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug completion bash": a completion script that asks daxplug itself for candidates.</summary>
internal static class CompletionVerb
{
    public static Command Build()
    {
        var shell = new Argument<string>("shell") { Description = "bash" };
        shell.AcceptOnlyFromAmong("bash");
        var completion = new Command("completion", "Print a shell completion script: eval \"$(daxplug completion bash)\" or save it in " +
                                                   "/etc/bash_completion.d/daxplug. It completes verbs, options, devices, machines, kernels, states and scenarios.");
        completion.Arguments.Add(shell);
        completion.SetAction(_ =>
        {
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
        return completion;
    }
}
