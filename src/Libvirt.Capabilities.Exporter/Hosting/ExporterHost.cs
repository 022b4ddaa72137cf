using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Exporter.Web;
using Libvirt.Capabilities.Exporter.Web.Security;
using Libvirt.Capabilities.Interop;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using System.Runtime.InteropServices;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Hosting;

/// <summary>Builds and runs the long-running exporter: configuration, pollers, HTTP endpoints, telemetry.</summary>
public static partial class ExporterHost
{
    public const int ConfigurationError = 2;
    public const int StartupError = 1;

    /// <summary>Builds the application, or returns an exit code and writes the reason to <paramref name="stderr"/>.</summary>
    /// <param name="overrides">Lets tests replace services (the libvirt connector, the clock) after the defaults.</param>
    public static WebApplication? Build(string[] args, TextWriter stderr, out int exitCode, Action<IServiceCollection>? overrides = null)
    {
        exitCode = 0;
        var flags = ServiceCommandLine.Parse(args);
        if (flags.Errors.Count > 0)
        {
            foreach (var error in flags.Errors)
            {
                stderr.WriteLine($"error: {error}");
            }

            exitCode = ConfigurationError;
            return null;
        }

        // appsettings.json is read from beside the binary, not from wherever the exporter was started.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        try
        {
            if (flags.ConfigFile is { } file)
            {
                ConfigFileSource.Add(builder.Configuration, file);
            }

            builder.Configuration.AddInMemoryCollection(flags.Values);
            builder.Configuration.AddCommandLine([.. flags.PassThrough]);
        }
        catch (Exception e) when (ConfigurationFileError.Is(e))
        {
            stderr.WriteLine($"error: invalid configuration: {ConfigurationFileError.Describe(e)}");
            exitCode = ConfigurationError;
            return null;
        }

        var settings = ExporterSettings.Load(builder.Configuration, flags.Targets, out var errors);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                stderr.WriteLine($"error: invalid configuration: {error}");
            }

            exitCode = ConfigurationError;
            return null;
        }

        ConfigureLogFormat(builder, settings.LogFormat);
        var endpoint = ListenAddress.TryParse(settings.Web.ListenAddress)!;
        var security = WebSecurity.Load(settings.Web.ConfigFile);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, security.ConfigureListener));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        AddServices(builder.Services, settings, flags.Targets);
        AddTelemetry(builder);
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        var publisher = app.Services.GetRequiredService<SnapshotPublisher>();
        if (app.Services.GetService<CapabilityMeter>() is { } meter)
        {
            publisher.Staged += meter.Update;
        }

        BuildInfo.Register(registry);
        security.Use(app, settings.Web.EnableLifecycle);
        Endpoints.Map(app, settings);
        var polling = app.Services.GetRequiredService<PollingService>();
        var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true; // SIGHUP means "reload", never "terminate".
            _ = polling.Reload(); // Rejections are logged by the service.
        });
        app.Lifetime.ApplicationStopped.Register(hangup.Dispose);
        LogEffectiveConfiguration(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExporterHost)), settings);
        return app;
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs until shutdown; 0 after a clean stop, 1 when it cannot start, 2 for a bad configuration.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (ServiceCommandLine.Parse(args) is { HelpRequested: true } help)
        {
            return ServiceCommandLine.Help(help.Parse, stdout);
        }

        if (!NativeLibraryProbe.TryLoad(out var missing))
        {
            await stderr.WriteLineAsync($"error: {missing}").ConfigureAwait(false);
            return StartupError;
        }

        var app = Build(args, stderr, out var exitCode);
        if (app is null)
        {
            return exitCode;
        }

        var address = app.Services.GetRequiredService<ExporterSettings>().Web.ListenAddress;
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel cannot bind (address in use, not local, permission denied): one line, not a stack trace.
            await stderr.WriteLineAsync($"error: cannot listen on {address}: {e.Message}").ConfigureAwait(false);
            return StartupError;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The slim builder does not pick the console formatter from configuration, so it is set here.</summary>
    private static void ConfigureLogFormat(WebApplicationBuilder builder, string format)
    {
        switch (format)
        {
            case "json":
                builder.Logging.ClearProviders().AddJsonConsole();
                break;
            case "systemd":
                builder.Logging.ClearProviders().AddSystemdConsole();
                break;
        }
    }

    private static void AddServices(IServiceCollection services, ExporterSettings settings, CommandLineTargets commandLine)
    {
        services.AddSingleton(commandLine); // Reloads re-read the configuration, and add the same flag targets.
        var registry = Prometheus.Metrics.NewCustomRegistry();
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILibvirtConnector, LibvirtConnector>();
        services.AddSingleton(registry);
        services.AddSingleton(new SnapshotPublisher());
        services.AddSingleton(new HealthMetrics());
        services.AddSingleton<TargetStatusBoard>();
        services.AddSingleton(new ChangeLog(settings.State.ChangeHistory));
        services.AddSingleton(sp => new PollingContext(
            settings,
            sp.GetRequiredService<ILibvirtConnector>(),
            sp.GetRequiredService<SnapshotPublisher>(),
            sp.GetRequiredService<HealthMetrics>(),
            sp.GetRequiredService<TargetStatusBoard>(),
            sp.GetRequiredService<ChangeLog>(),
            new StateStore(settings.State.Directory),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TargetPoller>(),
            sp.GetRequiredService<FleetService>(),
            sp.GetRequiredService<IdleMemoryReclaimer>()));
        services.AddSingleton<IdleMemoryReclaimer>();
        services.AddSingleton<FleetService>().AddHostedService(sp => sp.GetRequiredService<FleetService>());
        services.AddSingleton<ExpositionRenderer>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpositionRenderer>());
        services.AddSingleton<PollingService>();
        services.AddHostedService(sp => sp.GetRequiredService<PollingService>());
    }

    /// <summary>
    /// Traces and the capability metrics go to OTLP only when the standard OTEL_EXPORTER_OTLP_* variables ask
    /// for it; the exporter reads the rest of the OTEL_* variables itself.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]
            ?? builder.Configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
            ?? builder.Configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        builder.Services.AddSingleton<CapabilityMeter>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("libvirt-capabilities-exporter", serviceVersion: BuildInfo.Version))
            .WithTracing(tracing => tracing.AddSource(Telemetry.SourceName).AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(CapabilityMeter.MeterName).AddOtlpExporter());
    }

    private static void LogEffectiveConfiguration(ILogger logger, ExporterSettings settings)
    {
        var targets = string.Join("; ", settings.Libvirt.EffectiveTargets.Select(t =>
            $"{t.EffectiveName}={LibvirtUri.Display(t.Uri)} interval={settings.IntervalOf(t)} timeout={settings.TimeoutOf(t)} readOnly={t.ReadOnly}"));
        LogConfiguration(
            logger,
            settings.Web.ListenAddress,
            settings.Web.TelemetryPath,
            targets,
            settings.Libvirt.Machines.Policy,
            settings.State.Directory.Length == 0 ? "(disabled)" : settings.State.Directory);
    }

    [LoggerMessage(LogEvents.EffectiveConfiguration, LogLevel.Information,
        "Starting: listen {ListenAddress}, metrics at {TelemetryPath}, targets [{Targets}], machine policy {Policy}, state {StateDirectory}")]
    private static partial void LogConfiguration(ILogger logger, string listenAddress, string telemetryPath, string targets, string policy, string stateDirectory);
}
