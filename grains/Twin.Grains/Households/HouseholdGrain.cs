using Twin.Twins;

namespace Twin.Households;

[GrainType(TwinKinds.Household)]
public sealed class HouseholdGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(HouseholdRules.Instance, state, services);
