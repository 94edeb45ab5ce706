using Twin.Schema;
using Twin.Twins;
using Twin.Silo.Security;

namespace Twin.Silo.Http;

/// <summary>
/// The registered kinds and what each accepts: telemetry fields, events, commands. The console builds its command forms
/// and field tables from this, so a new kind appears there without a change to the page.
/// </summary>
public static class KindEndpoints
{
    public static RouteHandlerBuilder MapKinds(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/kinds", () => KindCatalogue.Describe()).WithTags("Twins")
            .WithSummary("Every twin kind with its telemetry fields, events and commands")
            .RequireAccess("kinds");
}

public static class KindCatalogue
{
    static IReadOnlyList<KindDescription>? described;

    public static IReadOnlyList<KindDescription> Describe() => described ??=
    [
        .. KindRegistry.All.OrderBy(k => k.Kind, StringComparer.Ordinal).Select(k => new KindDescription(
            k.Kind,
            [.. k.Schema.Telemetry.Select(Field)],
            [.. k.Schema.Events.Append(KindSchema.CommandAck).Select(e => new EventDescription(e.Type, [.. e.Fields.Select(Field)]))],
            [.. k.Schema.Commands.Append(KindSchema.ClearAlarm).Select(c =>
                new CommandDescription(c.Name, c.Target == CommandTarget.Device ? "device" : "twin", c.Description, [.. c.Args.Select(Field)]))])),
    ];

    static FieldDescription Field(FieldSpec f) => new(
        f.Name,
        f.Type.ToString().ToLowerInvariant(),
        f.Required,
        f.Min == double.MinValue ? null : f.Min,
        f.Max == double.MaxValue ? null : f.Max,
        f.Type == FieldType.Choice ? f.Choices : null,
        f.Describe());
}

public sealed record FieldDescription(string Name, string Type, bool Required, double? Min, double? Max, IReadOnlyList<string>? Choices, string Accepts);

public sealed record EventDescription(string Type, IReadOnlyList<FieldDescription> Fields);

public sealed record CommandDescription(string Name, string Target, string Description, IReadOnlyList<FieldDescription> Args);

public sealed record KindDescription(string Kind, IReadOnlyList<FieldDescription> Telemetry, IReadOnlyList<EventDescription> Events, IReadOnlyList<CommandDescription> Commands);
