namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>A web configuration file, or a file it names, that cannot be used; the message says what and where.</summary>
public sealed class WebConfigException(string message) : Exception(message);
