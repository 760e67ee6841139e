using System.Buffers.Binary;
using System.Numerics;

namespace Builder.Oci;

/// <summary>
/// SHA-256 (FIPS 180-4, section 6.2) in managed code, for the small inputs every build hashes: step keys, cache keys,
/// image configs and manifests. .NET's <see cref="System.Security.Cryptography.SHA256"/> goes through OpenSSL, and
/// loading and initialising libcrypto and libssl costs a process about 5–10 ms of CPU (perf stat of a C program that
/// only dlopens them and hashes "abc", 2-core dev machine), more than all the hashing a no-op rebuild does. Large
/// inputs (layers, blobs streamed into the store) still go through OpenSSL, which is several times faster per byte.
/// </summary>
public sealed class Sha256Hasher
{
    /// <summary>The size of a SHA-256 hash in bytes.</summary>
    public const int HashSize = 32;

    private const int BlockSize = 64;

    // FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state = new uint[8];
    private readonly byte[] _block = new byte[BlockSize];
    private int _buffered;
    private long _length;

    /// <summary>Starts an empty hash.</summary>
    public Sha256Hasher() => Reset();

    /// <summary>The SHA-256 hash of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hasher = new Sha256Hasher();
        hasher.Append(data);
        return hasher.GetHashAndReset();
    }

    /// <summary>Adds <paramref name="data"/> to the hashed bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_buffered > 0)
        {
            int take = Math.Min(BlockSize - _buffered, data.Length);
            data[..take].CopyTo(_block.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < BlockSize) return;
            Compress(_state, _block);
            _buffered = 0;
        }
        while (data.Length >= BlockSize)
        {
            Compress(_state, data[..BlockSize]);
            data = data[BlockSize..];
        }
        data.CopyTo(_block);
        _buffered = data.Length;
    }

    /// <summary>The hash of everything appended since the last reset; the hasher starts again empty.</summary>
    public byte[] GetHashAndReset()
    {
        // Section 5.1.1: a 1 bit, zeros up to 56 bytes into the last block, then the message length in bits, big-endian.
        long bits = _length * 8;
        Span<byte> padding = stackalloc byte[BlockSize * 2];
        padding.Clear();
        padding[0] = 0x80;
        int zeros = (_buffered < 56 ? 56 : 120) - _buffered;
        BinaryPrimitives.WriteInt64BigEndian(padding[zeros..], bits);
        Append(padding[..(zeros + 8)]);
        var hash = new byte[HashSize];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(i * 4), _state[i]);
        Reset();
        return hash;
    }

    private void Reset()
    {
        // Section 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
        _state[0] = 0x6a09e667;
        _state[1] = 0xbb67ae85;
        _state[2] = 0x3c6ef372;
        _state[3] = 0xa54ff53a;
        _state[4] = 0x510e527f;
        _state[5] = 0x9b05688c;
        _state[6] = 0x1f83d9ab;
        _state[7] = 0x5be0cd19;
        _buffered = 0;
        _length = 0;
    }

    // Section 6.2.2: one 64-byte block.
    private static void Compress(uint[] state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        ReadOnlySpan<uint> k = K;
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + k[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
