using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Control.Doctor;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug doctor": the competing controllers of device memory on a system.</summary>
internal static class DoctorVerb
{
    public static Command Build(SharedOptions o)
    {
        var doctor = o.ControllerVerb("doctor", "Find competing controllers of device memory: udev rules that online memory, auto_online_blocks, " +
                                                "memhp_default_state, online_policy, daxctl.conf.d and its service, under --sysroot (an image works). " +
                                                "Exit 1 if any warning.");
        doctor.Options.Add(o.Json);
        doctor.SetAction(r =>
        {
            using var t = o.Target.Open(r);
            var findings = Checkup.Run(t.Sysfs, t.Sysroot, t.Controller().PendingNote());
            Console.Out.Write(r.GetValue(o.Json) ? DoctorReport.Json(findings) : DoctorReport.Text(findings));
            return findings.Any(f => f.Severity == Severity.Warning) ? 1 : 0;
        });
        return doctor;
    }
}
