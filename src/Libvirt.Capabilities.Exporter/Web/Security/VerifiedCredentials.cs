using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Remembers, per user, the last password that passed bcrypt, so a scrape every few seconds does not cost a
/// bcrypt run each (exporter-toolkit caches too). Only a keyed HMAC of the password is kept, under a key made
/// at start and never stored, and it is compared in constant time.
/// </summary>
public sealed class VerifiedCredentials
{
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, byte[]> verified = new(StringComparer.Ordinal);

    public bool Contains(string user, string password) =>
        verified.TryGetValue(user, out var digest) && CryptographicOperations.FixedTimeEquals(digest, Digest(password));

    public void Add(string user, string password) => verified[user] = Digest(password);

    private byte[] Digest(string password) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(password));
}
