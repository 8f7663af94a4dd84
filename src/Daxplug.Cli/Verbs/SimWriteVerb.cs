using System.CommandLine;
using System.Text;
using Daxplug.Cli.CommandLine;
using Daxplug.Kernel;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim write PATH VALUE": one write to an attribute, as 'echo VALUE > PATH' would do it.</summary>
internal static class SimWriteVerb
{
    public static Command Build(SimOptions o)
    {
        var path = new Argument<string>("path") { Description = "A writable sysfs attribute" };
        var value = new Argument<string>("value") { Description = "The text to write (a newline is added unless --no-newline)" };
        var noNewline = new Option<bool>("--no-newline") { Description = "Do not append a newline (like echo -n)" };
        var write = new Command("write", "Write a value to a sysfs attribute, as 'echo VALUE > PATH' would; with --state the change is kept");
        write.Arguments.Add(path);
        write.Arguments.Add(value);
        write.Options.Add(noNewline);
        write.SetAction(r =>
        {
            var file = r.GetValue(path)!;
            var text = r.GetValue(value)! + (r.GetValue(noNewline) ? "" : "\n");
            var (kernel, held) = o.OpenToChange(r);
            Errno errno;
            using (held)
            {
                errno = ErrnoResult.Of(kernel.Sysfs.Write(file, Encoding.Latin1.GetBytes(text)));
                o.Save(kernel, r);
            }

            return errno == Errno.None ? 0 : throw new CliException($"write {file}: {ErrnoText.Describe(errno)} ({ErrnoText.Name(errno)})");
        });
        return write;
    }
}
