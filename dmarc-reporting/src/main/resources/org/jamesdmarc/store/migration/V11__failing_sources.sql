-- Failing sources (issue 12: /dmarc/history/stats and the dashboard at <= 200 ms with 10 M history rows). The
-- dashboard's "top failing sources" summed dmarc_report_row's rows with both policy-evaluated results 'fail' (RFC 9989
-- §4.4: DMARC failed) over the window, ~3 M rows a day at 10 M messages. These two tables keep those sums, written by
-- the roll-up (ReportCounters, in the transaction that adds the report counters) and expired with them (slice_seconds
-- as there). Portable like V1-V10 (H2, MariaDB, PostgreSQL).

-- Per policy domain, slice, source IP, disposition and override codes: the messages that failed DMARC. The key starts
-- with the domain (one domain's window is one range); the second index finds given sources in given slices over every
-- domain, and a slice's rows for retention.
CREATE TABLE dmarc_report_failing (
    domain_key       VARCHAR(32)   NOT NULL,  -- as dmarc_report_row.domain_key
    period_hour      BIGINT        NOT NULL,  -- the slice's start, as dmarc_report_row.period_hour
    source_ip        VARCHAR(45)   NOT NULL,
    disposition      VARCHAR(10)   NOT NULL,
    overrides        VARCHAR(200)  NOT NULL,
    messages         BIGINT        NOT NULL,
    slice_seconds    INTEGER       NOT NULL,
    PRIMARY KEY (domain_key, period_hour, source_ip, disposition, overrides)
);
CREATE INDEX dmarc_report_failing_period ON dmarc_report_failing (period_hour, source_ip);

-- Per slice and source IP, over every policy domain: the messages that failed DMARC. The second index gives a slice's
-- biggest sources first (the top of a window is found from each slice's top; HistoryBrowser).
CREATE TABLE dmarc_report_failing_source (
    period_hour      BIGINT        NOT NULL,
    source_ip        VARCHAR(45)   NOT NULL,
    messages         BIGINT        NOT NULL,
    slice_seconds    INTEGER       NOT NULL,
    PRIMARY KEY (period_hour, source_ip)
);
CREATE INDEX dmarc_report_failing_source_top ON dmarc_report_failing_source (period_hour, messages);

-- Backfill from the counters rolled up before this version.
INSERT INTO dmarc_report_failing (domain_key, period_hour, source_ip, disposition, overrides, messages, slice_seconds)
    SELECT domain_key, period_hour, source_ip, disposition, overrides, SUM(messages), MAX(slice_seconds)
    FROM dmarc_report_row WHERE dkim_aligned = 'fail' AND spf_aligned = 'fail'
    GROUP BY domain_key, period_hour, source_ip, disposition, overrides;

INSERT INTO dmarc_report_failing_source (period_hour, source_ip, messages, slice_seconds)
    SELECT period_hour, source_ip, SUM(messages), MAX(slice_seconds)
    FROM dmarc_report_row WHERE dkim_aligned = 'fail' AND spf_aligned = 'fail'
    GROUP BY period_hour, source_ip;
