-- Report delivery ledger (issue 10): what was sent, to whom, and what is still to do, so that each (policy domain,
-- period, destination) is handed to the outbound path once, and a run killed in the middle resumes without gaps.
-- Portable like V1 and V2; after the report counters (V2) and their backfill (3) (H2, MariaDB, PostgreSQL). Times are epoch seconds.

-- One row per (period, policy domain, destination): the report's identifiers are fixed when the row is planned, so
-- a re-send after a crash carries the same file name, Report-ID and Message-ID.
-- state: pending (planned, not yet tried) | sending (hand-off begun: the intent is recorded; a row found in this
-- state by a later run was perhaps handed off just before a crash and is sent again, with identical identifiers)
-- | handed_off (the outbound path took it) | deferred (a temporary failure; tried again at next_attempt)
-- | failed (permanent: a 5xx, retries exhausted, too large) | suppressed (never sent: reason says why).
CREATE TABLE dmarc_report_delivery (
    period_begin     BIGINT         NOT NULL,
    period_end       BIGINT         NOT NULL,
    policy_domain    VARCHAR(253)   NOT NULL,
    destination      VARCHAR(254)   NOT NULL,  -- the mailto address (lower-case domain), or '-' for a domain-wide row
    state            VARCHAR(12)    NOT NULL,
    reason           VARCHAR(1000),
    report_id        VARCHAR(600)   NOT NULL,
    message_id       VARCHAR(700)   NOT NULL,
    file_name        VARCHAR(700)   NOT NULL,
    size_limit       BIGINT,                   -- the destination's !size limit in bytes, when it has one
    report_format    VARCHAR(8)     NOT NULL,  -- rfc9990 | rfc7489
    attempts         INT            NOT NULL,
    next_attempt     BIGINT,
    created_at       BIGINT         NOT NULL,
    updated_at       BIGINT         NOT NULL,
    PRIMARY KEY (period_begin, policy_domain, destination)
);

CREATE INDEX dmarc_report_delivery_state ON dmarc_report_delivery (state, next_attempt);

-- One row per period a run planned: planned (every domain of the period has its rows) with when.
CREATE TABLE dmarc_report_period (
    period_begin     BIGINT         NOT NULL,
    period_end       BIGINT         NOT NULL,
    domains          BIGINT         NOT NULL,
    planned_at       BIGINT         NOT NULL,
    PRIMARY KEY (period_begin, period_end)
);

-- H2 has no advisory locks: a runner holds this row FOR UPDATE in an open transaction for its run (released when
-- its connection ends). PostgreSQL and MariaDB use pg_try_advisory_lock and GET_LOCK instead.
CREATE TABLE dmarc_report_lock (
    name             VARCHAR(64)    NOT NULL,
    PRIMARY KEY (name)
);
INSERT INTO dmarc_report_lock (name) VALUES ('report-run');
