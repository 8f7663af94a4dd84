using System.Text;
using System.Text.Json;

namespace Daxplug.Control.Listing;

/// <summary>Indented JSON text, written by <paramref name="write"/>, with the trailing newline every command prints.</summary>
public static class JsonText
{
    public static string Render(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
