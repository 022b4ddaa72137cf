using System.CommandLine;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// <c>render</c>: prints the metric contract once in Prometheus text format, from captured XML files
/// (offline, e.g. for node_exporter's textfile collector) or from one live collection of a URI.
/// </summary>
public static class RenderCommand
{
    public const int Failure = 1;

    public static Command Create(ILibvirtConnector connector, TextWriter stdout, TextWriter stderr)
    {
        var capabilities = new Option<FileInfo?>("--capabilities") { Description = "Host capabilities XML file (virsh capabilities)." };
        var domcaps = new Option<FileInfo[]>("--domcaps")
        {
            Description = "Domain capabilities XML file (virsh domcapabilities); repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var uri = new Option<string?>("--uri") { Description = "Collect once from this libvirt URI instead of files." };
        var readOnly = new Option<bool>("--read-only") { Description = "Open the URI read-only (domain capabilities are then unavailable)." };
        var target = new Option<string>("--target") { Description = "Value of the target label.", DefaultValueFactory = _ => "local" };

        var command = new Command("render", "Print the capability metrics once, in Prometheus text format, and exit.")
        {
            capabilities, domcaps, uri, readOnly, target,
        };
        ServiceCommandLine.AddCollectorOptions(command);
        command.SetAction(parse =>
        {
            var switchErrors = new List<string>();
            var switches = new CollectorSwitches(ServiceCommandLine.CollectorOverrides(parse, switchErrors));
            if (switchErrors.Count > 0)
            {
                stderr.WriteLine($"error: {switchErrors[0]}");
                return Failure;
            }

            var targetName = parse.GetValue(target)!;
            var uriValue = parse.GetValue(uri);
            var files = (Host: parse.GetValue(capabilities), Domcaps: parse.GetValue(domcaps) ?? []);
            if (uriValue is not null && (files.Host is not null || files.Domcaps.Length > 0))
            {
                stderr.WriteLine("error: give either --uri or --capabilities/--domcaps files, not both");
                return Failure;
            }

            if (uriValue is null && files.Host is null && files.Domcaps.Length == 0)
            {
                stderr.WriteLine("error: render needs --uri URI, or at least one of --capabilities FILE and --domcaps FILE");
                return Failure;
            }

            var registry = Prometheus.Metrics.NewCustomRegistry();
            var publisher = new SnapshotPublisher();
            HealthMetrics? health = null; // Files have no libvirt calls to count.
            int exitCode;
            if (uriValue is null)
            {
                exitCode = RenderFiles(publisher, targetName, files.Host, files.Domcaps, switches, stderr);
            }
            else
            {
                health = new HealthMetrics();
                exitCode = RenderLive(registry, publisher, health, connector, targetName, new ConnectionSettings(uriValue, parse.GetValue(readOnly)), switches, stderr);
            }

            if (exitCode == 0)
            {
                Export(registry, publisher, health, stdout);
            }

            return exitCode;
        });
        return command;
    }

    private static int RenderFiles(SnapshotPublisher publisher, string target, FileInfo? hostFile, FileInfo[] domcapsFiles, CollectorSwitches switches, TextWriter stderr)
    {
        var samples = new List<Sample>();
        try
        {
            if (hostFile is not null)
            {
                CapabilitySamples.AddHost(samples, target, CapabilitiesFile.Parse(hostFile.FullName, x => HostCapabilitiesParser.Parse(x)));
            }

            foreach (var file in domcapsFiles)
            {
                var caps = CapabilitiesFile.Parse(file.FullName, x => DomainCapabilitiesParser.Parse(x));
                CapabilitySamples.AddDomainCaps(samples, target, new CollectedDomainCaps(DomainCapsCombination.Of(caps), caps));
            }
        }
        catch (CliInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Failure;
        }

        FingerprintCollector.Add(samples, target);
        publisher.Publish(target, switches.Apply(samples));
        return 0;
    }

    private static int RenderLive(
        CollectorRegistry registry, SnapshotPublisher publisher, HealthMetrics health, ILibvirtConnector connector, string target, ConnectionSettings settings, CollectorSwitches switches, TextWriter stderr)
    {
        var redactedUri = LibvirtUri.Display(settings.Uri);
        if (CliConnection.TryOpen(connector, settings, stderr) is not { } connection)
        {
            return Failure;
        }

        using (connection)
        {
            var snapshot = new TargetCollector(health, TimeProvider.System).Collect(target, connection, new MachineSelection());
            foreach (var error in snapshot.Errors)
            {
                stderr.WriteLine($"warning: {redactedUri}: {error.Stage}: {error.Message}");
            }

            if (!snapshot.Up)
            {
                stderr.WriteLine($"error: {redactedUri}: could not read the host capabilities");
                return Failure;
            }

            publisher.Publish(
                target, [.. SnapshotSamples.Capabilities(snapshot, switches), .. SnapshotSamples.Health(snapshot, snapshot.CompletedAt, null)]);
            BuildInfo.Register(registry);
            return 0;
        }
    }

    private static void Export(CollectorRegistry registry, SnapshotPublisher publisher, HealthMetrics? health, TextWriter stdout)
    {
        var renderer = new ExpositionRenderer(registry, publisher, health, Microsoft.Extensions.Logging.Abstractions.NullLogger<ExpositionRenderer>.Instance);
        renderer.RenderAsync(CancellationToken.None).GetAwaiter().GetResult();
        stdout.Write(System.Text.Encoding.UTF8.GetString(renderer.Current.Text.ToArray()));
        stdout.Flush();
    }
}
