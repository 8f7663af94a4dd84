namespace Daxplug.Sim;

/// <summary>
/// A simulated machine or kernel that the command line asked for and that cannot be had (an unknown machine, a
/// --set that does not apply, a --kernel that contradicts a saved kernel): a usage error, not a bad file.
/// </summary>
public sealed class SimUsageException(string message) : Exception(message);
