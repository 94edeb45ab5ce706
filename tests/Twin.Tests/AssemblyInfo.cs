// Each silo host registers the same meters; OpenTelemetry merges same-named instruments across hosts in one process,
// so two hosts alive at once would see each other's counters. Collections run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
