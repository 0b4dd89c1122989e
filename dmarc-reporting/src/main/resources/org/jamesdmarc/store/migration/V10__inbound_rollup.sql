-- Inbound roll-up (issue 12: the dashboard and /dmarc/reports/inbound at <= 200 ms with 1 M inbound records). The
-- dashboard's sums, kept per (policy domain, UTC day[, source IP[, reporter]]) and added to in the transaction that
-- stores a report's records (InboundReportStore.ReportWriter): a duplicate report adds nothing (it is never
-- written), a report refused half way adds nothing (its transaction rolls back). Portable like V1-V9 (H2, MariaDB,
-- PostgreSQL). Sums saturate at 2^63-1 (LEAST here, a CASE in the writers' upserts), as the readers did before.

-- Per policy domain and UTC day (day_start: the day the reports' ranges begin, as dmarc_inbound_record.day_start).
CREATE TABLE dmarc_inbound_day (
    policy_domain    VARCHAR(253)   NOT NULL,
    day_start        BIGINT         NOT NULL,
    messages         BIGINT         NOT NULL,
    dmarc_pass       BIGINT         NOT NULL,  -- messages that passed DMARC (policy_evaluated DKIM or SPF pass)
    dkim_pass        BIGINT         NOT NULL,
    spf_pass         BIGINT         NOT NULL,
    disp_none        BIGINT         NOT NULL,  -- messages per RFC 9990 ActionDispositionType
    disp_pass        BIGINT         NOT NULL,
    disp_quarantine  BIGINT         NOT NULL,
    disp_reject      BIGINT         NOT NULL,
    PRIMARY KEY (policy_domain, day_start)
);

-- Per policy domain, UTC day and source IP: the same sums, and per override type (RFC 9990 PolicyOverrideType, RFC
-- 7489's forwarded and sampled_out) the messages of records that carried it (a record with two types counts in both).
CREATE TABLE dmarc_inbound_source (
    policy_domain    VARCHAR(253)   NOT NULL,
    day_start        BIGINT         NOT NULL,
    source_ip        VARCHAR(45)    NOT NULL,
    messages         BIGINT         NOT NULL,
    dmarc_pass       BIGINT         NOT NULL,
    dkim_pass        BIGINT         NOT NULL,
    spf_pass         BIGINT         NOT NULL,
    disp_none        BIGINT         NOT NULL,
    disp_pass        BIGINT         NOT NULL,
    disp_quarantine  BIGINT         NOT NULL,
    disp_reject      BIGINT         NOT NULL,
    ovr_forwarded    BIGINT         NOT NULL,
    ovr_sampled_out  BIGINT         NOT NULL,
    ovr_trusted_forwarder BIGINT    NOT NULL,
    ovr_mailing_list BIGINT         NOT NULL,
    ovr_local_policy BIGINT         NOT NULL,
    ovr_other        BIGINT         NOT NULL,
    ovr_policy_test_mode BIGINT     NOT NULL,
    PRIMARY KEY (policy_domain, day_start, source_ip)
);

-- Per policy domain, UTC day, source IP and reporting organisation: the messages it reported.
CREATE TABLE dmarc_inbound_source_org (
    policy_domain    VARCHAR(253)   NOT NULL,
    day_start        BIGINT         NOT NULL,
    source_ip        VARCHAR(45)    NOT NULL,
    org_name         VARCHAR(256)   NOT NULL,
    messages         BIGINT         NOT NULL,
    PRIMARY KEY (policy_domain, day_start, source_ip, org_name)
);

-- Backfill: the reports stored before this version. CONCAT (not ||, which MariaDB reads as OR) puts commas around
-- the sorted type list so that a type matches whole (trusted_forwarder does not contain ',forwarded,').
INSERT INTO dmarc_inbound_source (policy_domain, day_start, source_ip, messages, dmarc_pass, dkim_pass, spf_pass,
        disp_none, disp_pass, disp_quarantine, disp_reject, ovr_forwarded, ovr_sampled_out, ovr_trusted_forwarder,
        ovr_mailing_list, ovr_local_policy, ovr_other, ovr_policy_test_mode)
    SELECT policy_domain, day_start, source_ip,
        LEAST(SUM(message_count), 9223372036854775807),
        LEAST(SUM(CASE WHEN dmarc_pass = 1 THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN dkim_pass = 1 THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN spf_pass = 1 THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN disposition = 'none' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN disposition = 'pass' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN disposition = 'quarantine' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN disposition = 'reject' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,forwarded,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,sampled_out,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,trusted_forwarder,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,mailing_list,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,local_policy,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,other,%' THEN message_count ELSE 0 END), 9223372036854775807),
        LEAST(SUM(CASE WHEN CONCAT(',', reason_types, ',') LIKE '%,policy_test_mode,%' THEN message_count ELSE 0 END), 9223372036854775807)
    FROM dmarc_inbound_record GROUP BY policy_domain, day_start, source_ip;

INSERT INTO dmarc_inbound_day (policy_domain, day_start, messages, dmarc_pass, dkim_pass, spf_pass, disp_none,
        disp_pass, disp_quarantine, disp_reject)
    SELECT policy_domain, day_start, LEAST(SUM(messages), 9223372036854775807),
        LEAST(SUM(dmarc_pass), 9223372036854775807), LEAST(SUM(dkim_pass), 9223372036854775807),
        LEAST(SUM(spf_pass), 9223372036854775807), LEAST(SUM(disp_none), 9223372036854775807),
        LEAST(SUM(disp_pass), 9223372036854775807), LEAST(SUM(disp_quarantine), 9223372036854775807),
        LEAST(SUM(disp_reject), 9223372036854775807)
    FROM dmarc_inbound_source GROUP BY policy_domain, day_start;

INSERT INTO dmarc_inbound_source_org (policy_domain, day_start, source_ip, org_name, messages)
    SELECT x.policy_domain, x.day_start, x.source_ip, r.org_name, LEAST(SUM(x.message_count), 9223372036854775807)
    FROM dmarc_inbound_record x JOIN dmarc_inbound_report r ON r.report_key = x.report_key
    GROUP BY x.policy_domain, x.day_start, x.source_ip, r.org_name;
