using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug recover": finish or undo a transaction that a crash left half done.</summary>
internal static class RecoverVerb
{
    public static Command Build(SharedOptions o)
    {
        var recover = o.ControllerVerb("recover", "Deal with a transaction that a crash or kill left half done (the journal in --state-dir): put every " +
                                                  "block back as it was, or complete the transaction where the kernel already got past its unplug or plug. " +
                                                  "Acts only on blocks of the journal's device, refuses a journal that disagrees with it, and can itself be " +
                                                  "killed and run again. Until it has run, every verb that writes refuses to start.\n" +
                                                  "Exit codes: 0 done (or nothing to do), 1 the journal cannot be acted on (it stays), 3 blocks could not be put back (the journal stays).");
        recover.Options.Add(o.Yes);
        recover.SetAction(r =>
        {
            using var t = o.Target.Open(r, writes: true);
            OutcomeReport.Confirm(t.Sysfs, r.GetValue(o.Yes), "recover");
            return OutcomeReport.Print(t.Controller().Recover());
        });
        return recover;
    }
}
