using System.CommandLine;
using System.Text.Json;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// <c>compat --uri URI FILE...</c>: can the host-model CPU of each captured domain-capabilities document run on the
/// hypervisor at URI (its default emulator and machine for the document's arch and domain type), and what blocks
/// it. A document whose arch and virt type the hypervisor does not offer at all is incompatible, with that reason. <c>--baseline</c> prints the baseline CPU of the files on that hypervisor instead.
/// Exit 0: all compatible (or the baseline was computed); 1: any incompatible or unknown (or no baseline); 2: error.
/// </summary>
public static class CompatCommand
{
    public const int AllCompatible = 0;
    public const int NotAllCompatible = 1;
    public const int Error = 2;

    /// <summary>Parses and runs <c>compat</c>; a usage error is exit code 2 like any other error.</summary>
    public static int Invoke(ILibvirtConnector connector, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = Create(connector, stdout, stderr).Parse(args);
        if (CliUsage.Failed(parse, stderr))
        {
            return Error;
        }

        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    public static Command Create(ILibvirtConnector connector, TextWriter stdout, TextWriter stderr)
    {
        var uri = new Option<string>("--uri") { Description = "The libvirt URI of the destination hypervisor.", Required = true };
        var baseline = new Option<bool>("--baseline") { Description = "Print the baseline CPU of the files on that hypervisor." };
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var virtType = new Option<string?>("--virttype") { Description = "Virt type on the destination (default: each document's domain type)." };
        var files = new Argument<string[]>("FILE") { Description = "Domain capabilities XML files (virsh domcapabilities).", Arity = ArgumentArity.OneOrMore };

        var command = new Command("compat", "Check whether captured host-model CPUs can run on a hypervisor, or compute their baseline CPU.")
        {
            uri, baseline, format, virtType, files,
        };
        command.SetAction(parse =>
        {
            var run = new Run(parse.GetValue(format) == "json", parse.GetValue(virtType), stdout, stderr);
            var documents = Load(parse.GetValue(files) ?? [], stderr);
            if (documents is null)
            {
                return Error;
            }

            var destination = CliConnection.TryOpen(connector, new ConnectionSettings(parse.GetValue(uri)!), stderr);
            if (destination is null)
            {
                return Error;
            }

            using (destination)
            {
                return parse.GetValue(baseline) ? Baseline(run, destination, documents) : Compare(run, destination, documents);
            }
        });
        return command;
    }

    private static List<Document>? Load(string[] paths, TextWriter stderr)
    {
        var documents = new List<Document>();
        var failed = false;
        foreach (var path in paths)
        {
            try
            {
                var caps = CapabilitiesFile.Parse(path, x => DomainCapabilitiesParser.Parse(x));
                if (caps.Cpu.HostModel is not { } cpu || !caps.Cpu.Modes.Any(m => m.Name == "host-model" && m.Supported))
                {
                    throw new CliInputException($"{Path.GetFullPath(path)}: no supported host-model CPU in this document");
                }

                documents.Add(new Document(path, caps, cpu));
            }
            catch (CliInputException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                failed = true;
            }
        }

        return failed ? null : documents;
    }

    private static int Compare(Run run, ILibvirtConnection destination, List<Document> documents)
    {
        var host = HostOf(destination);
        var results = documents.Select(d =>
        {
            // A document of an arch the hypervisor cannot run with that virt type is incompatible, not libvirt's error.
            var virtType = run.VirtType ?? d.Caps.DomainType;
            var verdict = host is not null && !ArchSupport.Offers(host, d.Caps.Arch, virtType)
                ? ArchSupport.NotOffered(d.Caps.Arch, virtType, host.Host.Cpu.Arch)
                : CpuComparer.Compare(destination, d.Caps.Arch, virtType, HostModelCpuXml.Render(d.Cpu));
            return new FileVerdict(d.Path, verdict.OutcomeName, verdict.Result, verdict.Blockers, verdict.Message);
        }).ToList();

        if (run.Json)
        {
            run.Stdout.WriteLine(JsonSerializer.Serialize(results, CompatJsonContext.Default.ListFileVerdict));
        }
        else
        {
            foreach (var result in results)
            {
                run.Stdout.WriteLine(result.Outcome == "compatible"
                    ? $"{result.File}: compatible ({result.Result})"
                    : $"{result.File}: {result.Outcome}: {result.Message}");
            }
        }

        return results.All(r => r.Outcome == "compatible") ? AllCompatible : NotAllCompatible;
    }

    /// <summary>The hypervisor's host capabilities; null when it will not give them, and then libvirt judges every file itself.</summary>
    private static HostCapabilities? HostOf(ILibvirtConnection destination)
    {
        try
        {
            return HostCapabilitiesParser.Parse(destination.GetCapabilities());
        }
        catch (Exception e) when (e is LibvirtException or CapabilitiesParseException)
        {
            return null;
        }
    }

    private static int Baseline(Run run, ILibvirtConnection destination, List<Document> documents)
    {
        var arches = documents.Select(d => d.Caps.Arch).Distinct().ToList();
        if (arches.Count > 1)
        {
            run.Stderr.WriteLine($"error: a baseline needs documents of one arch; these are {string.Join(", ", arches)}");
            return Error;
        }

        var virtType = run.VirtType ?? documents[0].Caps.DomainType;
        BaselineCpu cpu;
        try
        {
            cpu = BaselineCpu.Parse(destination.BaselineHypervisorCpu(null, arches[0], null, virtType, [.. documents.Select(d => HostModelCpuXml.Render(d.Cpu))]));
        }
        catch (LibvirtException e)
        {
            // libvirt's answer for these inputs (e.g. "CPU vendors do not match"): there is no common CPU.
            run.Stderr.WriteLine($"no baseline: {e.LibvirtMessage}");
            return NotAllCompatible;
        }
        catch (CapabilitiesParseException e)
        {
            run.Stderr.WriteLine($"error: libvirt answered an unreadable baseline CPU: {e.Message}");
            return Error;
        }

        if (run.Json)
        {
            var output = new BaselineOutput([.. documents.Select(d => d.Path)], arches[0], virtType, cpu.Model, cpu.Vendor, cpu.Features, cpu.Xml);
            run.Stdout.WriteLine(JsonSerializer.Serialize(output, CompatJsonContext.Default.BaselineOutput));
        }
        else
        {
            run.Stdout.WriteLine(cpu.Xml);
        }

        return AllCompatible;
    }

    private sealed record Run(bool Json, string? VirtType, TextWriter Stdout, TextWriter Stderr);

    private sealed record Document(string Path, DomainCapabilities Caps, HostModelCpu Cpu);
}

/// <summary>One element of <c>compat --format json</c>.</summary>
public sealed record FileVerdict(string File, string Outcome, string? Result, IReadOnlyList<string> Blockers, string? Message);

/// <summary>The output of <c>compat --baseline --format json</c>.</summary>
public sealed record BaselineOutput(
    IReadOnlyList<string> Files, string Arch, string VirtType, string? Model, string? Vendor, IReadOnlyList<CpuFeaturePolicy> Features, string Xml);
