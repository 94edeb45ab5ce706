using Twin.Twins;

namespace Twin.Gates;

[GrainType(TwinKinds.Gate)]
public sealed class GateGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(GateRules.Instance, state, services);
