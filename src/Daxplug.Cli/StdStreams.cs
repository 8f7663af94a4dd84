using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Daxplug.Cli;

/// <summary>
/// Standard input, output and error as plain file descriptors. System.Console's own streams initialise the
/// terminal on their first use (they write terminfo's keypad_xmit, ESC[?1h ESC=, and never reset it), which leaves
/// a shell's keypad in application mode after every command; daxplug only ever needs lines of text.
/// </summary>
internal static class StdStreams
{
    // Descriptors 1 and 2 belong to whoever started daxplug: never closed here.
    private static readonly SafeFdHandle Out = new(1, ownsHandle: false), Error = new(2, ownsHandle: false);
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Points Console.Out and Console.Error at descriptors 1 and 2, unbuffered.</summary>
    public static void Install()
    {
        Console.SetOut(Writer(Out));
        Console.SetError(Writer(Error));
    }

    /// <summary>
    /// A whole text to descriptor 1 in as few write(2) calls as it takes, for verbs that print one block of text
    /// (a listing that takes a few milliseconds should not pay for a TextWriter).
    /// </summary>
    public static void WriteOut(string text) => WriteAll(Out, Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The width of the terminal on standard output (TIOCGWINSZ), or null when it is not one: what help is wrapped
    /// to, asked without System.Console (whose WindowWidth initialises the terminal too).
    /// </summary>
    public static unsafe int? TerminalWidth()
    {
        ushort* size = stackalloc ushort[4]; // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel
        return Interop.Libc.Ioctl(Out, TiocGWinSz, size) == 0 && size[1] > 0 ? size[1] : null;
    }

    private const nuint TiocGWinSz = 0x5413;

    /// <summary>One line from descriptor 0 (a terminal in canonical mode hands over a line per read), or null.</summary>
    public static string? ReadLine()
    {
        using var input = new StreamReader(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 1), Utf8);
        return input.ReadLine();
    }

    private static TextWriter Writer(SafeFdHandle fd) => TextWriter.Synchronized(new StreamWriter(new FdStream(fd), Utf8) { AutoFlush = true });

    private static unsafe void WriteAll(SafeFdHandle fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                nint n = Interop.Libc.Write(fd, start + done, (nuint)(bytes.Length - done));
                if (n < 0 && Interop.LastErrno() == Errno.EINTR)
                {
                    continue;
                }

                if (n <= 0)
                {
                    return; // closed (EPIPE) or failing: as "| head" expects, stop quietly
                }

                done += (int)n;
            }
        }
    }

    /// <summary>A write-only stream over a descriptor that daxplug does not own.</summary>
    private sealed class FdStream(SafeFdHandle fd) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAll(fd, buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => WriteAll(fd, buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
