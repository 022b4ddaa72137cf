using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// The last complete capability facts of each target, on disk, so drift across an exporter restart (host
/// upgrade, reboot, pod restart) is still detected. Files hold facts only, never a URI or credential; they are
/// created 0600 in a 0700 directory under a random temporary name with O_EXCL (a planted symlink is never
/// followed) and renamed into place atomically. A corrupt file is set aside and reported, never fatal.
/// </summary>
public sealed class StateStore(string directory)
{
    public const int FormatVersion = 3;

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public bool Enabled => directory.Length > 0;

    public PersistedTarget? Load(string target, out string? problem)
    {
        problem = null;
        var path = PathFor(target);
        var kind = Enabled ? FileKinds.Of(path, followLinks: false) : FileKind.Missing;
        if (kind == FileKind.Missing)
        {
            return null;
        }

        if (kind != FileKind.Regular)
        {
            problem = $"{path}: not a regular file ({kind}); starting without a baseline";
            return null; // Never follow or move what someone planted there.
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

    /// <exception cref="IOException">The directory or file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission.</exception>
    public void Save(PersistedTarget state)
    {
        if (!Enabled)
        {
            return;
        }

        EnsureDirectory();
        var path = PathFor(state.Target);
        var temp = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            // CreateNew is O_CREAT|O_EXCL: it fails on any existing entry, a symlink included, instead of following it.
            using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode600,
            }))
            {
                JsonSerializer.Serialize(file, state, StateJsonContext.Default.PersistedTarget);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true); // rename(2) replaces the entry itself; it never follows a link there.
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Creates the directory 0700, or checks an existing one; a file in its place is an error.</summary>
    public void EnsureDirectory()
    {
        if (FileKinds.Of(directory) is not (FileKind.Directory or FileKind.Missing) and var kind)
        {
            throw new IOException($"state directory {directory} is not a directory ({kind})");
        }

        Directory.CreateDirectory(directory, DirectoryMode);
        if ((File.GetUnixFileMode(directory) & ~DirectoryMode) != 0)
        {
            File.SetUnixFileMode(directory, DirectoryMode); // Facts of the hosts are nobody else's business.
        }
    }

    /// <summary>File name from the target name: readable, and never a path outside the directory.</summary>
    public string PathFor(string target)
    {
        var safe = new string([.. target.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target)))[..8];
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

/// <summary>What is persisted per target: facts and versions, nothing secret.</summary>
/// <param name="Collection">A hash of the settings that shape what is collected (the URI without user-info,
/// read-only, machine selection): a baseline collected differently is not compared, or the configuration change
/// would look like drift. Settings that do not change the data (interval, timeout, credentials) are not in it.</param>
public sealed record PersistedTarget(
    int Version, string Target, string Collection, DateTimeOffset SavedAt, string? LibvirtVersion, string? HypervisorVersion, List<SeriesFact> Facts)
{
    /// <summary>Domain-capabilities groups (emulator|arch|virt_type) whose calls had failed since the facts began: their first data is not drift.</summary>
    public List<string>? UncollectedGroups { get; init; }
}

[JsonSerializable(typeof(PersistedTarget))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class StateJsonContext : JsonSerializerContext;
