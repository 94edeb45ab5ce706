using Twin.Twins;

namespace Twin.Lamps;

[GrainType(TwinKinds.Lamp)]
public sealed class LampGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(LampRules.Instance, state, services);
