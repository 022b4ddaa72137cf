using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Tests.Fakes;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>State files hold no secrets, are 0600 in a 0700 directory, and never write through or read a planted symlink.</summary>
public sealed class StateStoreTests
{
    private static PersistedTarget State(string target) =>
        new(StateStore.FormatVersion, target, "abc", DateTimeOffset.UnixEpoch, "9.0.0", "7.2.0", []);

    [Fact]
    public void Files_are_0600_in_a_0700_directory()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("lce-state-").FullName, "state");
        var store = new StateStore(directory);
        store.Save(State("t1"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathFor("t1")));
        Assert.Single(Directory.GetFiles(directory)); // No temporary file left behind.
    }

    [Fact]
    public void A_symlink_planted_at_the_state_path_is_replaced_not_written_through()
    {
        var directory = Directory.CreateTempSubdirectory("lce-state-").FullName;
        var victim = Path.Combine(Directory.CreateTempSubdirectory("lce-victim-").FullName, "precious");
        File.WriteAllText(victim, "do not touch");
        var store = new StateStore(directory);
        File.CreateSymbolicLink(store.PathFor("t1"), victim);

        Assert.Null(store.Load("t1", out var problem)); // Never read through it either.
        Assert.Contains("not a regular file", problem, StringComparison.Ordinal);
        store.Save(State("t1"));

        Assert.Equal("do not touch", File.ReadAllText(victim));
        Assert.Null(new FileInfo(store.PathFor("t1")).LinkTarget);
    }

    [Fact]
    public void A_file_where_the_directory_should_be_is_an_error()
    {
        var file = Path.GetTempFileName();
        var error = Assert.Throws<IOException>(() => new StateStore(file).Save(State("t1")));
        Assert.Contains("is not a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_with_credentials_persists_no_uri_user_password_or_path()
    {
        using var harness = new PollerHarness();
        var poller = harness.Poller("t1");
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var text = string.Concat(Directory.GetFiles(harness.StateDirectory).Select(File.ReadAllText));
        Assert.NotEmpty(text);
        Assert.DoesNotContain("qemu+tcp://", text, StringComparison.Ordinal);
        Assert.DoesNotContain("recorded", text, StringComparison.Ordinal); // The host part of the harness's URI.
    }
}
