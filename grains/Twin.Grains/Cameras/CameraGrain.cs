using Twin.Twins;

namespace Twin.Cameras;

[GrainType(TwinKinds.Camera)]
public sealed class CameraGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(CameraRules.Instance, state, services);
