using System.Runtime.InteropServices;
using System.Text;

namespace Daxplug.Cli;

/// <summary>
/// Writes a whole text to file descriptor 1 with write(2), without setting up System.Console (its terminal and
/// encoding initialisation is a measurable part of a listing that takes a few milliseconds). For verbs that print
/// one block of text and nothing else.
/// </summary>
internal static partial class StdOut
{
    private const int EIntr = 4;

    public static unsafe void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                nint n = WriteFd(1, start + done, (nuint)(bytes.Length - done));
                if (n < 0 && Marshal.GetLastPInvokeError() == EIntr)
                {
                    continue;
                }

                if (n <= 0)
                {
                    return; // stdout closed (EPIPE) or failing: as "| head" expects, stop quietly
                }

                done += (int)n;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteFd(int fd, byte* buf, nuint count);
}
