using System.Net;
using System.Net.Sockets;

namespace Twin.Tests.Support;

/// <summary>
/// Hands out loopback ports for silos, brokers and databases the tests start.
/// Ports come from below the kernel's ephemeral range (32768+) and are never handed out twice in one run:
/// asking the kernel for port 0 can return the same port twice once the probe socket is closed, and a port in the
/// ephemeral range can be taken by any outgoing connection before the child process binds it.
/// </summary>
static class FreePort
{
    const int First = 20000, Last = 32000;
    static int next = First + Environment.ProcessId % 400 * 25;

    public static int Next()
    {
        for (var attempt = 0; attempt < Last - First; attempt++)
        {
            var candidate = Interlocked.Increment(ref next);
            if (candidate > Last)
            {
                Interlocked.CompareExchange(ref next, First, candidate);
                continue;
            }
            if (IsFree(candidate))
                return candidate;
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
