using System.Net;
using System.Net.Sockets;

namespace Twin.Bench.Processes;

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task WaitUntilListening(int port, TimeSpan timeout, Func<bool> exited, Func<string> why)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (exited())
                throw new BenchException($"it exited before listening on {port}:\n{why()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new BenchException($"nothing listens on {port} after {timeout.TotalSeconds:0} s:\n{why()}");
    }
}

/// <summary>A benchmark could not run as set up (a missing build, a process that did not start): the run stops with this message.</summary>
public sealed class BenchException(string message) : Exception(message);
