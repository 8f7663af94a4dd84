namespace Daxplug.Fuse;

/// <summary>Writes a glibc x86-64 struct stat (144 bytes) in place.</summary>
internal static unsafe class StatBuffer
{
    private const int Size = 144;

    public const uint IfDir = 0x4000, IfReg = 0x8000, IfLnk = 0xa000;

    public static void Fill(byte* st, uint mode, ulong nlink, long size, long time)
    {
        new Span<byte>(st, Size).Clear();
        *(ulong*)(st + 16) = nlink;   // st_nlink
        *(uint*)(st + 24) = mode;     // st_mode
        *(long*)(st + 48) = size;     // st_size
        *(long*)(st + 56) = 4096;     // st_blksize
        *(long*)(st + 72) = time;     // st_atim.tv_sec
        *(long*)(st + 88) = time;     // st_mtim.tv_sec
        *(long*)(st + 104) = time;    // st_ctim.tv_sec
    }
}
