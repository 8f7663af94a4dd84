using System.Security.Cryptography;
using System.Text;

namespace Daxplug.Control.Files;

/// <summary>Names of files daxplug keeps for something named by a free-form string (a sysfs root, a machine file).</summary>
public static class FileNames
{
    /// <summary>
    /// "LABEL-HASH": the label with every character but letters, digits, '.', '-' and '_' made '_', and eight hex
    /// digits of the SHA-256 of <paramref name="identity"/>, so that two identities that read alike ("/a/b_c",
    /// "/a/b/c") never share a file.
    /// </summary>
    public static string Unique(string label, string identity) =>
        $"{string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'))}-" +
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..8];
}
