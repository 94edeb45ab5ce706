using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Twin.Bench.Load;

/// <summary>Finds a number property in a JSON payload without parsing the whole document: the observers' hot path.</summary>
public static class SeqReader
{
    public static readonly byte[] Seq = Encoding.UTF8.GetBytes("\"seq\":");
    public static readonly byte[] LastSeq = Encoding.UTF8.GetBytes("\"lastSeq\":");

    public static bool TryRead(ReadOnlySequence<byte> payload, byte[] property, out ulong value) =>
        payload.IsSingleSegment ? TryRead(payload.FirstSpan, property, out value) : TryRead(payload.ToArray(), property, out value);

    public static bool TryRead(ReadOnlySpan<byte> payload, byte[] property, out ulong value)
    {
        value = 0;
        var at = payload.IndexOf(property);
        return at >= 0 && Utf8Parser.TryParse(payload[(at + property.Length)..], out value, out _);
    }
}
