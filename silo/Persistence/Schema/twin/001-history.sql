-- The append-only history: every device message a twin accepted, every change of a twin's status, alarms and
-- commands, every step of an incident. Written in batches with binary COPY; read newest first per subject.
CREATE TABLE IF NOT EXISTS twin_history
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject     text        NOT NULL,   -- lamp/L-01, incident/inc-...
    kind        text        NOT NULL,   -- telemetry, event, change, incident_step
    seq         bigint      NULL,       -- the device's seq: a redelivered message has the same (subject, seq)
    at          timestamptz NOT NULL,   -- when the silo accepted it
    device_time timestamptz NULL,       -- the device's own ts, when it sent one
    silo        text        NOT NULL,
    body        jsonb       NOT NULL
);

-- A message delivered twice (redelivery after a crash, or to two silos) is kept once.
CREATE UNIQUE INDEX IF NOT EXISTS twin_history_message ON twin_history (subject, seq) WHERE seq IS NOT NULL;

CREATE INDEX IF NOT EXISTS twin_history_subject_at ON twin_history (subject, at DESC, id DESC);
