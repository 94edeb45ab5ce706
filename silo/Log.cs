namespace Twin.Silo;

static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port}")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, string address, int port);

    [LoggerMessage(2002, LogLevel.Warning, "The embedded MQTT broker on {Address}:{Port} admits anonymous clients (loopback only, like mosquitto's local-only mode). Set Twin:Mqtt:AllowAnonymous=false to require credentials.")]
    public static partial void AnonymousBrokerClients(ILogger logger, string address, int port);

    [LoggerMessage(2003, LogLevel.Warning, "Refused an MQTT client from {Remote} with an empty client id: MQTTnet does not assign ids to MQTT 3.1.1 clients. Pass a client id (mosquitto_pub -i <id>).")]
    public static partial void EmptyClientIdRefused(ILogger logger, string remote);

    [LoggerMessage(2004, LogLevel.Information, "MQTT {Connection} connected to {Endpoint} as {ClientId}")]
    public static partial void MqttConnected(ILogger logger, string connection, string clientId, string endpoint);

    [LoggerMessage(2005, LogLevel.Warning, "MQTT {Connection} cannot connect to {Endpoint}: {Error}; retrying")]
    public static partial void MqttConnectFailed(ILogger logger, string connection, string endpoint, string error);

    [LoggerMessage(2006, LogLevel.Error, "The broker refused the subscription {Topic}: {Reason}")]
    public static partial void SubscriptionRefused(ILogger logger, string topic, string reason);

    [LoggerMessage(2007, LogLevel.Warning, "Dead letter from {Topic}: {Code}: {Reason}")]
    public static partial void DeadLetter(ILogger logger, string topic, string code, string reason);

    [LoggerMessage(2008, LogLevel.Warning, "{Twin} could not apply a message yet ({Error}); retrying")]
    public static partial void ApplyFailed(ILogger logger, string twin, string error);

    [LoggerMessage(2009, LogLevel.Warning, "Could not acknowledge a message from {Topic} ({Error}); the broker will redeliver it")]
    public static partial void AckFailed(ILogger logger, string topic, string error);

    [LoggerMessage(2010, LogLevel.Error, "The MQTT outbox is full; a message for {Topic} was not published")]
    public static partial void OutboxFull(ILogger logger, string topic);

    [LoggerMessage(2011, LogLevel.Warning, "Publishing to {Topic} failed ({Error}); retrying until the broker takes it")]
    public static partial void PublishFailed(ILogger logger, string topic, string error);

    [LoggerMessage(2012, LogLevel.Information, "Provisioned community {Community}: {Added} twins added, {Changed} changed, {Unchanged} unchanged, {Parties} parties added or changed")]
    public static partial void Provisioned(ILogger logger, string community, int added, int changed, int unchanged, int parties);

    [LoggerMessage(2013, LogLevel.Information, "Loaded topology {Path}: community {Community} with {Twins} twins")]
    public static partial void TopologyLoaded(ILogger logger, string path, string community, int twins);

    [LoggerMessage(2016, LogLevel.Warning, "Refused MQTT client {ClientId} from {Remote}: {Reason}")]
    public static partial void ClientRefused(ILogger logger, string clientId, string remote, string reason);

    [LoggerMessage(2017, LogLevel.Warning, "Device {Twin} may not {Action} {Topic}; refused")]
    public static partial void DeviceOutOfBounds(ILogger logger, string twin, string action, string topic);

    [LoggerMessage(2015, LogLevel.Error, "Ingestion failed on a message from {Topic}; it was dead-lettered")]
    public static partial void HandleFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(2030, LogLevel.Information, "Database schema: {Script} {Outcome}")]
    public static partial void SchemaScriptApplied(ILogger logger, string script, string outcome);

    [LoggerMessage(2031, LogLevel.Error, "PostgreSQL is unreachable: {Error}. Writes are held and retried; health says not ready")]
    public static partial void DatabaseDown(ILogger logger, string error);

    [LoggerMessage(2032, LogLevel.Information, "PostgreSQL answers again after {Seconds:0.0} s")]
    public static partial void DatabaseBack(ILogger logger, double seconds);

    [LoggerMessage(2033, LogLevel.Warning, "Writing {Rows} history rows failed ({Error}); retrying")]
    public static partial void HistoryWriteFailed(ILogger logger, int rows, string error);

    [LoggerMessage(2034, LogLevel.Error, "Shutting down with {Rows} history rows unwritten: the database did not come back in time. Their device messages were not acknowledged and will be delivered again")]
    public static partial void HistoryAbandoned(ILogger logger, int rows);

    [LoggerMessage(2035, LogLevel.Warning, "Taking over the MQTT ingestion session {ClientId} of dead silo {Silo} to apply what the broker held for it")]
    public static partial void DrainStarted(ILogger logger, string clientId, string silo);

    [LoggerMessage(2036, LogLevel.Information, "Drained the MQTT session {ClientId}: {Messages} messages applied; it is unsubscribed and closed")]
    public static partial void DrainFinished(ILogger logger, string clientId, long messages);

    [LoggerMessage(2037, LogLevel.Warning, "The broker refused us the session {ClientId} of a dead silo: {Reason}")]
    public static partial void DrainRefused(ILogger logger, string clientId, string reason);

    [LoggerMessage(2038, LogLevel.Error, "Draining the MQTT session of dead silo {Silo} failed: {Error}")]
    public static partial void DrainFailed(ILogger logger, string silo, string error);

    [LoggerMessage(2039, LogLevel.Warning, "PostgreSQL refused a history row of {Subject} ({Error}); it is kept with its body in base64")]
    public static partial void HistoryRowRefused(ILogger logger, string subject, string error);

    [LoggerMessage(2040, LogLevel.Information, "Ended the MQTT session of {ClientId}, away since {DisconnectedAt:u}: its expiry had passed; {Pending} messages queued for it are dropped")]
    public static partial void BrokerSessionExpired(ILogger logger, string clientId, DateTime disconnectedAt, long pending);

    [LoggerMessage(2041, LogLevel.Warning, "Checking the embedded broker's sessions failed: {Error}; trying again at the next check")]
    public static partial void BrokerSessionCheckFailed(ILogger logger, string error);

    [LoggerMessage(2042, LogLevel.Information, "The MQTT broker is {Version}")]
    public static partial void BrokerVersion(ILogger logger, string version);

    [LoggerMessage(2043, LogLevel.Warning, "The MQTT broker is {Version}: {Advice}")]
    public static partial void BrokerLosesMessages(ILogger logger, string version, string advice);
}
