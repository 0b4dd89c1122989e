-- Inbound reports (issue 12): the aggregate reports (RFC 9990, RFC 7489) and failure reports (RFC 9991, RFC 6591)
-- that other receivers send about our domains, for the dashboard and WebAdmin. Portable like V1-V6 (H2, MariaDB,
-- PostgreSQL); times are epoch seconds; enumerations are stored as the reports' own keywords.

-- One row per aggregate report. report_key: 128 bits of SHA-256 (hex) over (org_name, report_id, policy_domain,
-- begin_at, end_at), the duplicate key: a report ingested twice is stored once. It is also the report's id in
-- WebAdmin (/dmarc/reports/inbound/{id}).
CREATE TABLE dmarc_inbound_report (
    report_key       VARCHAR(32)    NOT NULL,
    org_name         VARCHAR(256)   NOT NULL,
    email            VARCHAR(256)   NOT NULL,
    extra_contact    VARCHAR(1000),
    report_id        VARCHAR(512)   NOT NULL,
    policy_domain    VARCHAR(253)   NOT NULL,  -- lower-case, as in policy_published/domain
    begin_at         BIGINT         NOT NULL,
    end_at           BIGINT         NOT NULL,
    report_format    VARCHAR(8)     NOT NULL,  -- rfc9990 | rfc7489
    pub_p            VARCHAR(10),              -- none | quarantine | reject; NULL: absent
    pub_sp           VARCHAR(10),
    pub_np           VARCHAR(10),
    pub_adkim        CHAR(1),                  -- r | s
    pub_aspf         CHAR(1),
    pub_pct          SMALLINT,                 -- RFC 7489 pct
    pub_fo           VARCHAR(32),
    pub_testing      CHAR(1),                  -- RFC 9990 testing: y | n
    pub_discovery    VARCHAR(8),               -- RFC 9990 discovery_method: psl | treewalk
    origin           VARCHAR(4)     NOT NULL,  -- mail | file: how it came in
    origin_name      VARCHAR(1000)  NOT NULL,  -- the file name, or the mail's Message-ID and attachment name
    received_at      BIGINT         NOT NULL,
    record_count     BIGINT         NOT NULL,
    message_count    BIGINT         NOT NULL,  -- the sum of the records' counts
    pass_count       BIGINT         NOT NULL,  -- of which passed DMARC (policy_evaluated dkim or spf pass)
    PRIMARY KEY (report_key)
);

CREATE INDEX dmarc_inbound_report_domain ON dmarc_inbound_report (policy_domain, begin_at);
CREATE INDEX dmarc_inbound_report_received ON dmarc_inbound_report (received_at);

-- The report's XML as received (decompressed, then gzip'd), when it was small enough to keep.
CREATE TABLE dmarc_inbound_raw (
    report_key       VARCHAR(32)    NOT NULL,
    xml_bytes        BIGINT         NOT NULL,
    xml_gzip         ${binary}      NOT NULL,
    PRIMARY KEY (report_key)
);

-- One row per <record>. policy_domain and day_start (the UTC day of the report's begin_at) are copied from the
-- report so that the dashboard's aggregates read one table through one index. dmarc_pass, dkim_pass and spf_pass are
-- 0 or 1 (policy_evaluated: the DKIM and SPF results after alignment), so that SUM(message_count * x) counts them.
CREATE TABLE dmarc_inbound_record (
    report_key       VARCHAR(32)    NOT NULL,
    ordinal          BIGINT         NOT NULL,  -- the record's place in its report, from 0
    policy_domain    VARCHAR(253)   NOT NULL,
    day_start        BIGINT         NOT NULL,
    source_ip        VARCHAR(45)    NOT NULL,
    message_count    BIGINT         NOT NULL,
    disposition      VARCHAR(10)    NOT NULL,  -- none | pass | quarantine | reject
    dmarc_pass       SMALLINT       NOT NULL,
    dkim_pass        SMALLINT       NOT NULL,
    spf_pass         SMALLINT       NOT NULL,
    reason_types     VARCHAR(200)   NOT NULL,  -- the override reasons' types, sorted, ',' separated ('' for none)
    reasons          VARCHAR(2000)  NOT NULL,  -- type TAB comment lines
    header_from      VARCHAR(253)   NOT NULL,
    envelope_from    VARCHAR(253),
    envelope_to      VARCHAR(253),
    dkim_results     VARCHAR(4000)  NOT NULL,  -- result TAB domain TAB selector lines ('' for none)
    spf_results      VARCHAR(2000)  NOT NULL,  -- result TAB domain TAB scope lines
    PRIMARY KEY (report_key, ordinal)
);

CREATE INDEX dmarc_inbound_record_domain_day ON dmarc_inbound_record (policy_domain, day_start, source_ip);

-- Reports that could not be read, kept aside with the reason. rejected_key: 128 bits of SHA-256 over the content
-- (the same file or attachment refused twice is one row).
CREATE TABLE dmarc_inbound_rejected (
    rejected_key     VARCHAR(32)    NOT NULL,
    origin           VARCHAR(4)     NOT NULL,
    origin_name      VARCHAR(1000)  NOT NULL,
    reason           VARCHAR(1000)  NOT NULL,
    received_at      BIGINT         NOT NULL,
    content_bytes    BIGINT         NOT NULL,  -- the size of the content as received
    content          ${binary},                -- the content as received, when small enough to keep
    PRIMARY KEY (rejected_key)
);

CREATE INDEX dmarc_inbound_rejected_received ON dmarc_inbound_rejected (received_at);

-- Failure reports (RFC 9991 / RFC 6591 ARF): their main fields. failure_key: 128 bits of SHA-256 over the report's
-- machine-readable part and the reported headers (a report mailed twice is one row).
CREATE TABLE dmarc_inbound_failure (
    failure_key      VARCHAR(32)    NOT NULL,
    received_at      BIGINT         NOT NULL,
    origin           VARCHAR(4)     NOT NULL,
    origin_name      VARCHAR(1000)  NOT NULL,
    reporter         VARCHAR(256)   NOT NULL,  -- the report mail's From address ('' when none)
    feedback_type    VARCHAR(32)    NOT NULL,  -- auth-failure
    auth_failure     VARCHAR(16)    NOT NULL,  -- dmarc | dkim | spf | adsp | bodyhash | revoked | signature ('' when none)
    policy_domain    VARCHAR(253)   NOT NULL,  -- Reported-Domain, lower-case ('' when none)
    source_ip        VARCHAR(45)    NOT NULL,  -- ('' when none)
    arrival_date     BIGINT,
    original_mail_from VARCHAR(256),
    original_rcpt_to VARCHAR(256),
    delivery_result  VARCHAR(16),
    identity_alignment VARCHAR(32),
    dkim_domain      VARCHAR(253),
    dkim_selector    VARCHAR(255),
    spf_dns          VARCHAR(1000),
    auth_results     VARCHAR(2000),
    header_from      VARCHAR(253),
    subject          VARCHAR(1000),
    original_headers ${long_text},             -- the reported message's header section (bounded)
    PRIMARY KEY (failure_key)
);

CREATE INDEX dmarc_inbound_failure_domain ON dmarc_inbound_failure (policy_domain, received_at);
CREATE INDEX dmarc_inbound_failure_received ON dmarc_inbound_failure (received_at);
