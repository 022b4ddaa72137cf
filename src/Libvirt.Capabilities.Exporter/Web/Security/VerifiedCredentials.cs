using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Remembers, per user, the last password that passed bcrypt, so a scrape every few seconds does not cost a
/// bcrypt run each (exporter-toolkit caches too). Only a keyed HMAC of the password is kept, under a key made
/// at start and never stored, and it is compared in constant time. A user whose hash changed starts afresh.
/// </summary>
public sealed class VerifiedCredentials
{
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Hash, byte[] Digest)> verified = new(StringComparer.Ordinal);

    public bool Contains(string user, string hash, string password) =>
        verified.TryGetValue(user, out var entry)
        && entry.Hash == hash
        && CryptographicOperations.FixedTimeEquals(entry.Digest, Digest(password));

    public void Add(string user, string hash, string password) => verified[user] = (hash, Digest(password));

    private byte[] Digest(string password) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(password));
}
