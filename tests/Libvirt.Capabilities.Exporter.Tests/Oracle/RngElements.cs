using System.Xml.Linq;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// The element paths (below the document root) that one of libvirt's RelaxNG schemas defines, read from the
/// schema file itself: which elements are containers of others, and which children a container has.
/// </summary>
internal sealed class RngElements
{
    private static readonly XNamespace Rng = "http://relaxng.org/ns/structure/1.0";

    private readonly Dictionary<string, XElement> defines = new(StringComparer.Ordinal);
    private readonly HashSet<string> paths = new(StringComparer.Ordinal);
    private readonly HashSet<(string, XElement)> walked = [];

    private RngElements(string file)
    {
        LoadDefines(file);
        var start = XDocument.Load(file).Root!.Element(Rng + "start")!;
        var root = Resolve(start).Single();
        Walk(root, "");
    }

    public static RngElements Load(string schemaFile) => new(schemaFile);

    /// <summary>True when the schema defines elements below <paramref name="path"/>.</summary>
    public bool IsContainer(string path) => Children(path).Any();

    /// <summary>The names of the elements the schema allows directly below <paramref name="path"/>.</summary>
    public IEnumerable<string> Children(string path) =>
        paths.Where(p => p.StartsWith(path + "/", StringComparison.Ordinal) && !p[(path.Length + 1)..].Contains('/')).Select(p => p[(path.Length + 1)..]).Order(StringComparer.Ordinal);

    private void LoadDefines(string file)
    {
        var grammar = XDocument.Load(file).Root!;
        foreach (var include in grammar.Elements(Rng + "include"))
        {
            LoadDefines(Path.Combine(Path.GetDirectoryName(file)!, include.Attribute("href")!.Value));
        }

        foreach (var define in grammar.Elements(Rng + "define"))
        {
            defines.TryAdd(define.Attribute("name")!.Value, define);
        }
    }

    /// <summary>The named elements a pattern can start with, following refs.</summary>
    private IEnumerable<XElement> Resolve(XElement pattern)
    {
        foreach (var child in pattern.Elements())
        {
            if (child.Name == Rng + "element")
            {
                yield return child;
            }
            else if (child.Name == Rng + "ref")
            {
                foreach (var element in Resolve(defines[child.Attribute("name")!.Value]))
                {
                    yield return element;
                }
            }
            else if (child.Name != Rng + "attribute")
            {
                foreach (var element in Resolve(child))
                {
                    yield return element;
                }
            }
        }
    }

    /// <summary>Records the paths of the children of an element pattern whose own path is <paramref name="path"/>.</summary>
    private void Walk(XElement element, string path)
    {
        foreach (var child in Resolve(element))
        {
            if (child.Attribute("name")?.Value is not { } name)
            {
                continue; // anyName: no fixed path
            }

            var childPath = path.Length == 0 ? name : path + "/" + name;
            paths.Add(childPath);
            if (walked.Add((childPath, child)))
            {
                Walk(child, childPath);
            }
        }
    }
}
