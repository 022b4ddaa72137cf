using System.Xml.Linq;
using System.Xml.XPath;

namespace Libvirt.Capabilities.TestSupport;

/// <summary>Independent counts taken straight from a document, to compare with what the code under test reports.</summary>
public static class XPath
{
    public static int Count(XDocument doc, string xpath) => doc.XPathSelectElements(xpath).Count();
}
