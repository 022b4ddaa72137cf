using System.CommandLine;
using System.Text.Json;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// <c>capture --uri URI DIR</c>: saves the documents of one live poll (host capabilities and every
/// domain-capabilities combination the machine policy selects, collected by the same code as the service) with
/// a manifest naming each combination, so a canary host can be compared before and after an upgrade (<c>diff</c>).
/// </summary>
public static class CaptureCommand
{
    public const int Failure = 1;

    public static Command Create(ILibvirtConnector connector, TextWriter stdout, TextWriter stderr)
    {
        var uri = new Option<string>("--uri") { Description = "libvirt URI to capture.", Required = true };
        var readOnly = new Option<bool>("--read-only") { Description = "Open the URI read-only (host capabilities only)." };
        var machines = new Option<string>("--machines")
        {
            Description = "default | all: which machine types get domain capabilities.",
            DefaultValueFactory = _ => MachineSelection.DefaultPolicy,
        };
        machines.AcceptOnlyFromAmong([.. MachineSelection.Policies]);
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Directory to write (created; must not hold a capture yet)." };
        var command = new Command("capture", "Save the capabilities documents of one live poll, with a manifest, for diff.")
        {
            uri, readOnly, machines, directory,
        };
        command.SetAction(parse => Capture(
            connector,
            new ConnectionSettings(parse.GetValue(uri)!, parse.GetValue(readOnly)),
            new MachineSelection { Policy = parse.GetValue(machines)! },
            parse.GetValue(directory)!,
            stdout,
            stderr));
        return command;
    }

    private static int Capture(ILibvirtConnector connector, ConnectionSettings settings, MachineSelection selection, DirectoryInfo directory, TextWriter stdout, TextWriter stderr)
    {
        var manifestPath = Path.Combine(directory.FullName, CaptureManifest.FileName);
        if (File.Exists(manifestPath))
        {
            stderr.WriteLine($"error: {directory.FullName} already holds a capture; give a new directory");
            return Failure;
        }

        if (CliConnection.TryOpen(connector, settings, stderr) is not { } opened)
        {
            return Failure;
        }

        using var recording = new RecordingConnection(opened);
        var name = TargetOptions.DefaultName(settings.Uri);
        var snapshot = new TargetCollector(new HealthMetrics(), TimeProvider.System).Collect(name, recording, selection);
        foreach (var error in snapshot.Errors)
        {
            stderr.WriteLine($"warning: {name}: {error.Stage}: {error.Message}");
        }

        if (!snapshot.Up || recording.HostCapabilities is not { } hostXml)
        {
            stderr.WriteLine($"error: {name}: could not read the host capabilities");
            return Failure;
        }

        // Each resolved machine of an emulator, arch and domain type is fetched once; aliases reuse its document.
        var documents = new Dictionary<(string?, string, string, string?), string>();
        foreach (var xml in recording.DomainCapabilities)
        {
            var caps = DomainCapabilitiesParser.Parse(xml);
            documents.TryAdd((caps.EmulatorPath, caps.Arch, caps.DomainType, caps.Machine), xml);
        }

        directory.Create();
        File.WriteAllText(Path.Combine(directory.FullName, "capabilities.xml"), hostXml);
        var combinations = new List<CapturedCombination>();
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (combination, caps) in snapshot.DomainCaps)
        {
            var file = UniqueFileName($"domcaps-{combination.Arch}-{combination.VirtType}-{combination.Machine}", files);
            File.WriteAllText(Path.Combine(directory.FullName, file), documents[(caps.EmulatorPath, caps.Arch, caps.DomainType, caps.Machine)]);
            combinations.Add(new CapturedCombination(combination.Emulator, combination.Arch, combination.Machine, combination.VirtType, caps.Machine, file));
        }

        var manifest = new CaptureManifest(
            CaptureManifest.FormatVersion,
            name,
            snapshot.CompletedAt,
            snapshot.Info?.LibvirtVersion,
            snapshot.Info?.HypervisorVersion,
            "capabilities.xml",
            combinations,
            [.. snapshot.DefaultMachines.Select(d => new CapturedCombination(d.Emulator, d.Arch, d.Machine, d.VirtType, d.Machine, ""))]);
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, CaptureJsonContext.Default.CaptureManifest));
        stdout.WriteLine($"captured {name}: host capabilities and {combinations.Count} domain-capabilities combinations in {directory.FullName}");
        return 0;
    }

    private static string UniqueFileName(string stem, HashSet<string> taken)
    {
        var safe = new string([.. stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var name = safe + ".xml";
        for (var i = 2; !taken.Add(name); i++)
        {
            name = $"{safe}-{i}.xml";
        }

        return name;
    }
}
