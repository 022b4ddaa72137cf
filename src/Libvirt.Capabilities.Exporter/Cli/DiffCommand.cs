using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// <c>diff OLD NEW</c>: the changes a live poll would report between two captures (directories written by
/// <c>capture</c>) or two single documents of the same kind, through the same collectors and
/// <see cref="DriftDetector"/> as live drift. Two single domain-capabilities documents are one combination: a
/// different machine or emulator is the rename, reported once. Exit 0 identical, 1 different, 2 error (diff(1)).
/// </summary>
public static class DiffCommand
{
    public const int Identical = 0;
    public const int Different = 1;
    public const int Error = 2;

    private const string Target = "capture";

    /// <summary>Parses and runs <c>diff</c>; a usage error is exit code 2 like any other error.</summary>
    public static int Invoke(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var older = new Argument<string>("OLD") { Description = "A capture directory, or a capabilities or domain capabilities XML file." };
        var newer = new Argument<string>("NEW") { Description = "The same kind as OLD." };
        var command = new Command("diff", "Print the capability changes between two captures or two documents.") { format, older, newer };
        var parse = command.Parse(args);
        if (CliUsage.Failed(parse, stderr))
        {
            return Error;
        }

        if (parse.Action is not null && parse.GetValue(older) is null)
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr }); // --help
        }

        List<CapabilityChange> changes;
        try
        {
            var (before, after) = Load(parse.GetValue(older)!, parse.GetValue(newer)!);
            changes = DriftDetector.Diff(Target, DriftDetector.Facts(before), DriftDetector.Facts(after), DateTimeOffset.UtcNow);
        }
        catch (CliInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Error;
        }

        if (parse.GetValue(format) == "json")
        {
            stdout.WriteLine(JsonSerializer.Serialize(
                changes.Select(c => new DiffEntry(c.Family, c.Change, c.Kind, c.Labels, c.Old, c.New)).ToList(), DiffJsonContext.Default.ListDiffEntry));
        }
        else
        {
            foreach (var change in changes)
            {
                stdout.WriteLine($"{change.Change} {change.Series} ({change.Kind}): {change.Old ?? "(absent)"} -> {change.New ?? "(absent)"}");
            }
        }

        return changes.Count == 0 ? Identical : Different;
    }

    private static (List<Sample> Before, List<Sample> After) Load(string older, string newer)
    {
        var (oldIsCapture, newIsCapture) = (Directory.Exists(older), Directory.Exists(newer));
        if (oldIsCapture != newIsCapture)
        {
            throw new CliInputException("OLD and NEW must both be capture directories or both be XML files");
        }

        if (oldIsCapture)
        {
            return (CaptureSamples(older), CaptureSamples(newer));
        }

        var (oldXml, newXml) = (CapabilitiesFile.Read(older), CapabilitiesFile.Read(newer));
        var (oldRoot, newRoot) = (RootOf(oldXml, older), RootOf(newXml, newer));
        if (oldRoot != newRoot)
        {
            throw new CliInputException($"{Path.GetFullPath(older)} is <{oldRoot}> but {Path.GetFullPath(newer)} is <{newRoot}>: compare documents of the same kind");
        }

        if (oldRoot == "capabilities")
        {
            return (HostSamples(older), HostSamples(newer));
        }

        // One combination: named after the newer document, so its machine and emulator are that combination's new values.
        var (before, after) = (ParseDomainCaps(older), ParseDomainCaps(newer));
        var combination = DomainCapsCombination.Of(after);
        var (oldSamples, newSamples) = (new List<Sample>(), new List<Sample>());
        CapabilitySamples.AddDomainCaps(oldSamples, Target, new CollectedDomainCaps(combination, before));
        CapabilitySamples.AddDomainCaps(newSamples, Target, new CollectedDomainCaps(combination, after));
        return (oldSamples, newSamples);
    }

    private static List<Sample> CaptureSamples(string directory)
    {
        var manifestPath = Path.Combine(directory, CaptureManifest.FileName);
        CaptureManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(CapabilitiesFile.Read(manifestPath), CaptureJsonContext.Default.CaptureManifest)
                ?? throw new CliInputException($"{Path.GetFullPath(manifestPath)}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new CliInputException($"{Path.GetFullPath(manifestPath)}: not a capture manifest: {e.Message}");
        }

        if (manifest.Version != CaptureManifest.FormatVersion)
        {
            throw new CliInputException($"{Path.GetFullPath(manifestPath)}: manifest version {manifest.Version}, expected {CaptureManifest.FormatVersion}");
        }

        var samples = HostSamples(InCapture(directory, manifest.HostCapabilities));
        foreach (var captured in manifest.Combinations)
        {
            var combination = new DomainCapsCombination(captured.Emulator, captured.Arch, captured.Machine, captured.VirtType);
            CapabilitySamples.AddDomainCaps(samples, Target, new CollectedDomainCaps(combination, ParseDomainCaps(InCapture(directory, captured.File))));
        }

        CapabilitySamples.AddDefaultMachines(
            samples, Target, [.. manifest.DefaultMachines.Select(d => new DomainCapsCombination(d.Emulator, d.Arch, d.Machine, d.VirtType))]);
        return samples;
    }

    /// <summary>A file named by a manifest: only a plain name inside the capture, never a path out of it.</summary>
    private static string InCapture(string directory, string file) =>
        file.Length > 0 && Path.GetFileName(file) == file && file is not ("." or "..")
            ? Path.Combine(directory, file)
            : throw new CliInputException($"{Path.GetFullPath(directory)}: manifest names '{file}', which is not a file of the capture");

    private static List<Sample> HostSamples(string path)
    {
        var samples = new List<Sample>();
        CapabilitySamples.AddHost(samples, Target, CapabilitiesFile.Parse(path, x => HostCapabilitiesParser.Parse(x)));
        return samples;
    }

    private static Libvirt.Capabilities.Model.DomainCapabilities ParseDomainCaps(string path) =>
        CapabilitiesFile.Parse(path, x => DomainCapabilitiesParser.Parse(x));

    private static string RootOf(string xml, string path)
    {
        try
        {
            return SafeXml.Load(xml).Name.LocalName;
        }
        catch (CapabilitiesParseException e)
        {
            throw new CliInputException($"{Path.GetFullPath(path)}: {e.Message}");
        }
    }
}

/// <summary>One change as <c>diff --format json</c> prints it; <c>old</c>/<c>new</c> are null where the fact is absent.</summary>
public sealed record DiffEntry(string Family, string Change, string Kind, IReadOnlyDictionary<string, string> Labels, string? Old, string? New);

[JsonSerializable(typeof(List<DiffEntry>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class DiffJsonContext : JsonSerializerContext;
