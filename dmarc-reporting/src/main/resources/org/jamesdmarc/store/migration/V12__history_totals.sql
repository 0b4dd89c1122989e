-- History totals (issue 12: /dmarc/history/stats and the dashboard at <= 200 ms with 10 M history rows). The summary
-- over every domain grouped the window's dmarc_report_policy rows twice (per slice, and per policy domain for the
-- top domains): 100,000 rows a day at 10 M messages over 100,000 domains. These two tables keep those sums, written
-- by the roll-up (ReportCounters, in the transaction that adds the report counters) and expired with them
-- (slice_seconds as there). Portable like V1-V11 (H2, MariaDB, PostgreSQL).

-- Per slice, over every policy domain: the messages counted and those that passed DMARC (the summary's days).
CREATE TABLE dmarc_report_slice_total (
    period_hour      BIGINT        NOT NULL,  -- the slice's start, as dmarc_report_policy.period_hour
    messages         BIGINT        NOT NULL,
    dmarc_pass       BIGINT        NOT NULL,
    slice_seconds    INTEGER       NOT NULL,
    PRIMARY KEY (period_hour)
);

-- Per slice and policy domain, its shards summed (rows written before V5 may have several): the second index gives a
-- slice's biggest domains first (the top domains of a window are found from each slice's top; SliceTop).
CREATE TABLE dmarc_report_domain_total (
    period_hour      BIGINT        NOT NULL,
    policy_domain    VARCHAR(253)  NOT NULL,
    messages         BIGINT        NOT NULL,
    dmarc_pass       BIGINT        NOT NULL,
    slice_seconds    INTEGER       NOT NULL,
    PRIMARY KEY (period_hour, policy_domain)
);
CREATE INDEX dmarc_report_domain_total_top ON dmarc_report_domain_total (period_hour, messages);

-- Backfill from the counters rolled up before this version.
INSERT INTO dmarc_report_slice_total (period_hour, messages, dmarc_pass, slice_seconds)
    SELECT period_hour, SUM(messages), SUM(dmarc_pass), MAX(slice_seconds)
    FROM dmarc_report_policy GROUP BY period_hour;

INSERT INTO dmarc_report_domain_total (period_hour, policy_domain, messages, dmarc_pass, slice_seconds)
    SELECT period_hour, policy_domain, SUM(messages), SUM(dmarc_pass), MAX(slice_seconds)
    FROM dmarc_report_policy GROUP BY period_hour, policy_domain;
