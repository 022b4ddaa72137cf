using System.Text.Json;
using System.Text.Json.Serialization;

namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// The last complete capability facts of each target, on disk, so drift across an exporter restart (host
/// upgrade, reboot, pod restart) is still detected. Writes are atomic (temp file, then rename); a corrupt
/// file is set aside and reported, never fatal.
/// </summary>
public sealed class StateStore(string directory)
{
    public const int FormatVersion = 2;

    public bool Enabled => directory.Length > 0;

    public PersistedTarget? Load(string target, out string? problem)
    {
        problem = null;
        var path = PathFor(target);
        if (!Enabled || !File.Exists(path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.PersistedTarget);
            if (state is { Version: FormatVersion, Facts: not null } && state.Target == target)
            {
                return state;
            }

            problem = $"{path}: unexpected format or target; starting without a baseline";
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: {e.Message}; starting without a baseline";
        }

        TrySetAside(path);
        return null;
    }

    public void Save(PersistedTarget state)
    {
        if (!Enabled)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var path = PathFor(state.Target);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, StateJsonContext.Default.PersistedTarget));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>File name from the target name: readable, and never a path outside the directory.</summary>
    public string PathFor(string target)
    {
        var safe = new string([.. target.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target)))[..8];
        return Path.Combine(directory, $"{safe.Trim('.')}-{hash}.json");
    }

    private static void TrySetAside(string path)
    {
        try
        {
            File.Move(path, path + ".corrupt", overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in place: the next successful poll overwrites it.
        }
    }
}

/// <summary>What is persisted per target.</summary>
/// <param name="Settings">The target's polling settings when saved; a baseline taken under other settings
/// (another URI, machine policy or filter) is not compared, or the configuration change would look like drift.</param>
public sealed record PersistedTarget(
    int Version, string Target, string Settings, DateTimeOffset SavedAt, string? LibvirtVersion, string? HypervisorVersion, List<SeriesFact> Facts);

[JsonSerializable(typeof(PersistedTarget))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class StateJsonContext : JsonSerializerContext;
