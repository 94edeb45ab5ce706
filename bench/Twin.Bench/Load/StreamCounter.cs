using System.Net.Sockets;
using System.Text;
using Twin.Bench.Processes;

namespace Twin.Bench.Load;

/// <summary>
/// One of the many live-stream clients of the fan-out runs: it reads <c>GET /api/stream</c> over a bare socket and
/// counts the events. The browsers and screens those clients stand for run on their users' machines, not on the silo's,
/// but here they share its 2 cores; through HttpClient, 200 of them cost those cores more than the silo's own side of
/// the 200 streams (BENCHMARKS.md, *Before and after*). So the client does no more than a client must: one read per
/// arrival, the chunked framing undone in place, no copy and no decoding.
/// </summary>
public sealed class StreamCounter : IAsyncDisposable
{
    static readonly byte[] DataMarker = "\ndata:"u8.ToArray();

    readonly Socket socket;
    readonly CancellationTokenSource stop = new();
    readonly Task reading;
    long events;

    // The chunked transfer coding, undone as bytes arrive (RFC 9112 §7.1): a size line in hex, that many bytes, CRLF.
    long chunkLeft;
    long chunkSize;
    Framing framing = Framing.Size;
    bool sizeExtension;
    int matched;

    StreamCounter(Socket socket, ReadOnlyMemory<byte> firstBytes)
    {
        this.socket = socket;
        Consume(firstBytes.Span);
        reading = Read();
    }

    public long Events => Interlocked.Read(ref events);

    /// <param name="building">Follow only this building (<c>?building=</c>); null: the whole stream.</param>
    public static async Task<StreamCounter> Open(Uri api, string token, string? building)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(api.Host, api.Port, timeout.Token);
            var path = building is null ? "/api/stream" : $"/api/stream?building={Uri.EscapeDataString(building)}";
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: {api.Authority}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"), timeout.Token);

            // The response head, then whatever of the body came with it.
            var buffer = new byte[16 * 1024];
            var filled = 0;
            int end;
            while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (filled == buffer.Length)
                    throw new BenchException("the stream's response head is larger than 16 KiB");
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), timeout.Token);
                if (read == 0)
                    throw new BenchException("the silo closed the stream before answering");
                filled += read;
            }
            var head = Encoding.ASCII.GetString(buffer, 0, end);
            if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                throw new BenchException($"GET {path} answered {head.Split("\r\n")[0]}");
            if (!head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
                throw new BenchException($"GET {path} is not chunked; the counter reads only chunked streams");
            return new StreamCounter(socket, buffer.AsMemory(end + 4, filled - end - 4));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    async Task Read()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, stop.Token)) > 0)
                Consume(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    void Consume(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            switch (framing)
            {
                case Framing.Size:
                    var b = bytes[0];
                    bytes = bytes[1..];
                    if (b == '\n')
                    {
                        framing = chunkSize == 0 ? Framing.Done : Framing.Data;
                        chunkLeft = chunkSize;
                        chunkSize = 0;
                        sizeExtension = false;
                    }
                    else if (b == ';')
                        sizeExtension = true;
                    else if (!sizeExtension && HexValue(b) is { } digit)
                        chunkSize = chunkSize * 16 + digit;
                    break;
                case Framing.Data:
                    var take = (int)Math.Min(chunkLeft, bytes.Length);
                    Count(bytes[..take]);
                    bytes = bytes[take..];
                    chunkLeft -= take;
                    if (chunkLeft == 0)
                        framing = Framing.DataEnd;
                    break;
                case Framing.DataEnd:
                    // The CRLF after a chunk's data.
                    if (bytes[0] == '\n')
                        framing = Framing.Size;
                    bytes = bytes[1..];
                    break;
                case Framing.Done:
                    return;
            }
        }
    }

    static int? HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => null,
    };

    /// <summary>Counts "\ndata:" (every event has one such line), carrying a marker cut by a read over to the next one.</summary>
    void Count(ReadOnlySpan<byte> data)
    {
        if (matched > 0)
        {
            var rest = DataMarker.AsSpan(matched);
            var common = Math.Min(rest.Length, data.Length);
            if (data[..common].SequenceEqual(rest[..common]))
            {
                if (common < rest.Length)
                {
                    matched += common;
                    return;
                }
                Interlocked.Increment(ref events);
                data = data[common..];
            }
            matched = 0;
        }
        var found = 0;
        int at;
        while ((at = data.IndexOf(DataMarker)) >= 0)
        {
            found++;
            data = data[(at + DataMarker.Length)..];
        }
        if (found > 0)
            Interlocked.Add(ref events, found);
        // The marker's first byte occurs in it only once, so the longest tail that begins it is the only candidate.
        for (var length = Math.Min(DataMarker.Length - 1, data.Length); length > 0; length--)
            if (data[^length..].SequenceEqual(DataMarker.AsSpan(0, length)))
            {
                matched = length;
                break;
            }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        await reading;
        stop.Dispose();
    }

    enum Framing { Size, Data, DataEnd, Done }
}
