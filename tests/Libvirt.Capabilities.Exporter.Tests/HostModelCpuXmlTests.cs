using System.Xml.Linq;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>The host-model CPU rendered as a guest CPU definition, read back with plain XPath.</summary>
public sealed class HostModelCpuXmlTests
{
    [Fact]
    public void Keeps_model_fallback_vendor_and_every_feature_with_its_policy()
    {
        var caps = DomainCapabilitiesParser.Parse(Fakes.RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml"));
        var cpu = XElement.Parse(HostModelCpuXml.Render(caps.Cpu.HostModel!));
        var source = XElement.Parse(Fakes.RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml")).Element("cpu")!.Elements("mode").Single(m => (string?)m.Attribute("name") == "host-model");

        Assert.Equal("custom", (string?)cpu.Attribute("mode"));
        Assert.Equal("exact", (string?)cpu.Attribute("match"));
        Assert.Equal(source.Element("model")!.Value, cpu.Element("model")!.Value);
        Assert.Equal((string?)source.Element("model")!.Attribute("fallback"), (string?)cpu.Element("model")!.Attribute("fallback"));
        Assert.Equal(source.Element("vendor")!.Value, cpu.Element("vendor")!.Value);
        Assert.Equal(
            source.Elements("feature").Select(f => ((string?)f.Attribute("name"), (string?)f.Attribute("policy"))),
            cpu.Elements("feature").Select(f => ((string?)f.Attribute("name"), (string?)f.Attribute("policy"))));
        Assert.NotEmpty(cpu.Elements("feature"));
    }

    [Fact]
    public void Escapes_names_and_defaults_the_fallback_to_forbid()
    {
        var cpu = XElement.Parse(HostModelCpuXml.Render(new HostModelCpu("a<b'\"&", null, null, null, [new CpuFeaturePolicy("x'\"<y", "require")])));

        Assert.Equal("a<b'\"&", cpu.Element("model")!.Value);
        Assert.Equal("forbid", (string?)cpu.Element("model")!.Attribute("fallback"));
        Assert.Null(cpu.Element("vendor"));
        Assert.Equal("x'\"<y", (string?)cpu.Element("feature")!.Attribute("name"));
    }
}
