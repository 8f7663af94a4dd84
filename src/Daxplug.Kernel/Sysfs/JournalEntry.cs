namespace Daxplug.Kernel.Sysfs;

/// <summary>One write the model took (<see cref="KernelModel.Journal"/>): the path as written to and the bytes, base64.</summary>
public sealed record JournalEntry(string Path, string Data);
