-- Report counters (issue 10): the RFC 9990 aggregate report rows pre-aggregated per UTC hour, kept by
-- JdbcHistoryStore in the transaction that inserts the messages (ReportCounters), so that a report reads counters
-- instead of grouping per-message rows. Portable like V1; ${long_text} is the one type that differs (a list of up
-- to 100 DKIM results: TEXT on PostgreSQL, MEDIUMTEXT on MariaDB, a long VARCHAR on H2).
-- Rows stored before this version are counted by the Java migration that follows it (version 3,
-- org.jamesdmarc.store.ReportCountersBackfill), under Flyway's lock, before any writer of this version writes.

-- One row per (hour, policy domain, RFC 9990 <record> identity) with its message count.
-- Keys are hex digits (domain_key, row_key): they sort the same under every collation, so a reader can merge the
-- hours' streams in its own order. A counter may be split over up to 8 shards (rows of one key, summed when read):
-- concurrent writers then seldom update the same row, which each would hold locked until its commit.
CREATE TABLE dmarc_report_row (
    period_hour      BIGINT        NOT NULL,  -- epoch seconds of the UTC hour the messages arrived in
    domain_key       VARCHAR(32)   NOT NULL,  -- hex of the first 128 bits of SHA-256 over policy_domain
    policy_domain    VARCHAR(253)  NOT NULL,
    row_key          VARCHAR(32)   NOT NULL,  -- hex of the first 128 bits of SHA-256 over the identity columns below
    shard            SMALLINT      NOT NULL,  -- 0-7, chosen per writing transaction: writers seldom wait on one hot row
    source_ip        VARCHAR(45)   NOT NULL,
    disposition      VARCHAR(10)   NOT NULL,  -- RFC 9990 ActionDispositionType: none | pass | quarantine | reject
    dkim_aligned     VARCHAR(4)    NOT NULL,  -- policy_evaluated/dkim: pass | fail
    spf_aligned      VARCHAR(4)    NOT NULL,  -- policy_evaluated/spf: pass | fail
    overrides        VARCHAR(200)  NOT NULL,  -- our override codes, ',' separated ('' for none)
    header_from      VARCHAR(253),
    envelope_from    VARCHAR(253),
    envelope_to      VARCHAR(4000) NOT NULL,
    spf_domain       VARCHAR(253),
    spf_scope        VARCHAR(5)    NOT NULL,
    spf_result       VARCHAR(10)   NOT NULL,
    dkim_results     ${long_text}  NOT NULL,  -- at most 100 'result TAB domain TAB selector' lines, RFC 9990 priority order
    messages         BIGINT        NOT NULL,
    PRIMARY KEY (period_hour, domain_key, row_key, shard)
);

-- The published policy per (hour, policy domain): the one of the latest message seen (seen_at), and how many
-- messages and DMARC passes the domain had in that hour.
CREATE TABLE dmarc_report_policy (
    period_hour      BIGINT        NOT NULL,
    domain_key       VARCHAR(32)   NOT NULL,
    policy_domain    VARCHAR(253)  NOT NULL,
    shard            SMALLINT      NOT NULL,
    seen_at          BIGINT        NOT NULL,  -- epoch milliseconds of the latest message these tags come from
    discovery_mode   VARCHAR(8)    NOT NULL,
    pub_p            VARCHAR(10),
    pub_sp           VARCHAR(10),
    pub_np           VARCHAR(10),
    pub_psd          CHAR(1),
    pub_testing      BOOLEAN,
    pub_adkim        CHAR(1),
    pub_aspf         CHAR(1),
    pub_fo           VARCHAR(16),
    pub_rua          VARCHAR(2000),
    pub_ruf          VARCHAR(2000),
    pub_pct          SMALLINT,
    messages         BIGINT        NOT NULL,
    dmarc_pass       BIGINT        NOT NULL,  -- messages whose DMARC result was pass
    PRIMARY KEY (period_hour, domain_key, shard)
);
