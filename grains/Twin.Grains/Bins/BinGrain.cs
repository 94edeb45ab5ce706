using Twin.Twins;

namespace Twin.Bins;

[GrainType(TwinKinds.Bin)]
public sealed class BinGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(BinRules.Instance, state, services);
