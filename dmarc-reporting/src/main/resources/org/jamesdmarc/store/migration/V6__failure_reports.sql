-- Failure reports (issue 11, RFC 9991): rate limits counted in the database, so that they hold across James nodes
-- and restarts, and a log of every report decided. Portable like V1, V2, V4 and V5 (H2, MariaDB, PostgreSQL). Times are
-- epoch seconds.

-- One row per (scope, key, window): how many reports were let through in that window. scope is 'destination' (key:
-- the ruf address, lower-case) or 'domain' (key: the policy domain). A report takes one slot of each, in one
-- transaction, through a conditional upsert that never goes past the limit.
CREATE TABLE dmarc_failure_rate (
    scope            VARCHAR(12)    NOT NULL,
    rate_key         VARCHAR(254)   NOT NULL,
    window_start     BIGINT         NOT NULL,
    sent             INT            NOT NULL,
    PRIMARY KEY (scope, rate_key, window_start)
);

-- One row per (message, report type, destination): at most one report of a kind per message and destination,
-- whoever sees the message (the SMTP hook or the mailet, on any node).
-- outcome: pending (decided, not yet handed off) | sent (handed to the mail system) | rate_limited | unauthorized
-- (external destination not verified, RFC 9990 §4) | failed (could not be composed or handed off).
CREATE TABLE dmarc_failure_report (
    message_key      VARCHAR(32)    NOT NULL,
    report_type      VARCHAR(12)    NOT NULL,  -- dmarc | signature | spf (the Auth-Failure value)
    destination      VARCHAR(254)   NOT NULL,
    policy_domain    VARCHAR(253)   NOT NULL,
    outcome          VARCHAR(12)    NOT NULL,
    reason           VARCHAR(1000),
    created_at       BIGINT         NOT NULL,
    updated_at       BIGINT         NOT NULL,
    PRIMARY KEY (message_key, report_type, destination)
);

CREATE INDEX dmarc_failure_report_created ON dmarc_failure_report (created_at);
