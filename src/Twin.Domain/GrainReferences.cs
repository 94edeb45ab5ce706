using System.Runtime.CompilerServices;

namespace Twin;

/// <summary>
/// Grain references by id, without Orleans' reflection per call: <c>GetGrain&lt;T&gt;(GrainId)</c> reads the
/// interface's custom attributes every time to find its interface type (a few per cent of the silo's CPU at full
/// ingest). The interface type is learnt from the first reference of each interface and reused.
/// </summary>
public static class GrainReferences
{
    public static T Get<T>(IGrainFactory grains, GrainId id) where T : IAddressable
    {
        if (Volatile.Read(ref InterfaceOf<T>.Type) is { } known)
            return (T)grains.GetGrain(id, known.Value);
        var reference = grains.GetGrain<T>(id);
        // Boxed, so a thread reading it never sees half of a struct written by another.
        Volatile.Write(ref InterfaceOf<T>.Type, new StrongBox<GrainInterfaceType>(((GrainReference)(object)reference).InterfaceType));
        return reference;
    }

    static class InterfaceOf<T>
    {
        public static StrongBox<GrainInterfaceType>? Type;
    }
}
