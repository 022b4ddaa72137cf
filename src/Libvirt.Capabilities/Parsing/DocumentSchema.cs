using System.Xml.Linq;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Parsing;

/// <summary>
/// What the typed parsers of one document kind read: element paths, their attributes and whether their
/// text is used. Everything else in a document becomes an <see cref="OtherFact"/>, so an element or
/// attribute a newer libvirt adds is exported rather than dropped.
/// </summary>
/// <remarks>
/// Rules are one line each: <c>path/to/element[#][@attribute...]</c>; <c>#</c> means the text is read,
/// <c>*</c> matches any element name. Two subtree kinds follow libvirt's generic conventions:
/// <see cref="NodeKind.SupportFlags"/> (elements with <c>supported</c>, enums and bare values, as in the
/// domain capabilities' os and devices) and <see cref="NodeKind.Details"/> (text leaves with an optional
/// unit, enums and SGX sections, as under a domain feature).
/// </remarks>
public sealed class DocumentSchema
{
    private readonly Node root = new(NodeKind.Exact);

    public enum NodeKind
    {
        Exact,
        SupportFlags,
        Details,
    }

    public DocumentSchema Known(params string[] rules)
    {
        foreach (var rule in rules)
        {
            var parts = rule.Split('@');
            var path = parts[0];
            var text = path.EndsWith('#');
            var node = NodeAt(text ? path[..^1] : path, NodeKind.Exact);
            node.Text |= text;
            node.Attributes.UnionWith(parts[1..]);
        }

        return this;
    }

    /// <summary>Marks a subtree as following one of libvirt's generic conventions.</summary>
    public DocumentSchema Generic(string path, NodeKind kind)
    {
        NodeAt(path, kind);
        return this;
    }

    /// <summary>Every attribute and text below <paramref name="documentRoot"/> that the schema does not know.</summary>
    public List<OtherFact> OtherFacts(XElement documentRoot)
    {
        var facts = new List<OtherFact>();
        var path = new List<string>();
        foreach (var child in documentRoot.Elements())
        {
            Walk(child, root.Child(child.Name.LocalName), path, facts);
        }

        return facts;
    }

    private static void Walk(XElement element, Node? node, List<string> path, List<OtherFact> facts)
    {
        path.Add(element.Name.LocalName);
        var known = false;
        foreach (var attribute in element.Attributes())
        {
            if (node is null || !node.Attributes.Contains(attribute.Name.LocalName))
            {
                facts.Add(new OtherFact(string.Join('/', path), attribute.Name.LocalName, attribute.Value));
            }
            else
            {
                known = true;
            }
        }

        var text = element.Nodes().OfType<XText>().Select(t => t.Value.Trim()).FirstOrDefault(t => t.Length > 0);
        if (text is not null && node is not { Text: true })
        {
            facts.Add(new OtherFact(string.Join('/', path), "", text));
        }
        else if (node is not { Kind: NodeKind.Exact or NodeKind.Details } && text is null && !element.HasAttributes && !element.HasElements && !known)
        {
            // An empty element nothing else reads (unknown, or without a supported flag in a generic section): its presence is the fact.
            facts.Add(new OtherFact(string.Join('/', path), "", ""));
        }

        foreach (var child in element.Elements())
        {
            Walk(child, node?.Child(child.Name.LocalName), path, facts);
        }

        path.RemoveAt(path.Count - 1);
    }

    private Node NodeAt(string path, NodeKind kind)
    {
        var node = root;
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            node = node.Add(segments[i], i == segments.Length - 1 ? kind : NodeKind.Exact);
        }

        return node;
    }

    private sealed class Node(NodeKind kind)
    {
        private static readonly Node EnumValue = new(NodeKind.Exact) { Text = true };
        private static readonly Node Enum = CreateEnum();
        private static readonly Node SgxSection = new(NodeKind.Exact) { Attributes = { "node", "size", "unit" } };

        private readonly Dictionary<string, Node> children = new(StringComparer.Ordinal);
        private Node? any;

        public NodeKind Kind { get; } = kind;

        public HashSet<string> Attributes { get; } = kind switch
        {
            NodeKind.SupportFlags => ["supported"],
            NodeKind.Details => ["unit", "supported"],
            _ => [],
        };

        public bool Text { get; set; } = kind == NodeKind.Details;

        public Node Add(string name, NodeKind childKind)
        {
            if (name == "*")
            {
                return any ??= new Node(childKind);
            }

            if (!children.TryGetValue(name, out var child))
            {
                children[name] = child = new Node(childKind);
            }

            return child;
        }

        public Node? Child(string name)
        {
            if (children.TryGetValue(name, out var child))
            {
                return child;
            }

            return Kind switch
            {
                NodeKind.SupportFlags or NodeKind.Details when name == "enum" => Enum,
                NodeKind.SupportFlags or NodeKind.Details when name == "value" => EnumValue,
                NodeKind.Details when name == "section" => SgxSection,
                NodeKind.SupportFlags => SupportFlagsChild,
                NodeKind.Details => DetailsChild,
                _ => any,
            };
        }

        private Node SupportFlagsChild => any ??= new Node(NodeKind.SupportFlags);

        // Only the feature element's own supported attribute is read; below it, supported is an unknown attribute.
        private Node DetailsChild => any ??= BelowFeature();

        private static Node BelowFeature()
        {
            var node = new Node(NodeKind.Details);
            node.Attributes.Remove("supported");
            return node;
        }

        private static Node CreateEnum()
        {
            var node = new Node(NodeKind.Exact) { Attributes = { "name" } };
            node.children["value"] = EnumValue;
            return node;
        }
    }
}
