namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// A value loaded from files and loaded again when they change (size or modification time: one stat per file
/// per use). A load that fails keeps the last good value; the files' state is remembered either way, so the
/// same broken files are not loaded (and reported) again at every use.
/// </summary>
public sealed class ReloadOnChange<T>
    where T : class
{
    private readonly Func<string?[]> paths;
    private readonly Func<T, T> load;
    private readonly Action<T> loaded;
    private readonly Action<string> failed;
    private readonly Lock reloading = new();
    private volatile State current;

    /// <param name="paths">The files the value comes from (null entries are ignored).</param>
    /// <param name="load">Loads the value anew from the previous one; throws <see cref="WebConfigException"/>.</param>
    public ReloadOnChange(T initial, Func<string?[]> paths, Func<T, T> load, Action<T> loaded, Action<string> failed)
    {
        this.paths = paths;
        this.load = load;
        this.loaded = loaded;
        this.failed = failed;
        current = new State(Signature(), initial);
    }

    public T Value
    {
        get
        {
            var signature = Signature();
            var state = current;
            if (signature == state.Signature)
            {
                return state.Value;
            }

            lock (reloading)
            {
                if (current.Signature != signature)
                {
                    current = new State(signature, Reload(current.Value));
                }

                return current.Value;
            }
        }
    }

    private T Reload(T previous)
    {
        try
        {
            var value = load(previous);
            loaded(value);
            return value;
        }
        catch (WebConfigException e)
        {
            failed(e.Message);
            return previous;
        }
    }

    private string Signature() => string.Join('|', paths().Select(path =>
    {
        if (path is null)
        {
            return "";
        }

        var file = new FileInfo(path);
        return file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "missing";
    }));

    private sealed record State(string Signature, T Value);
}
