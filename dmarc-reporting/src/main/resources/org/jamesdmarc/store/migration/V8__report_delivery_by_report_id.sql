-- Report delivery confirmed after the hand-off (issue 10, item 4). Portable like V4 (H2, MariaDB, PostgreSQL).
--
-- Inside James the outbound path reports back per (Report-ID, destination): RemoteDelivery's onSuccess processor
-- (DmarcReportDelivered: state 'delivered', added to V4's states) and its bounceProcessor (DmarcReportBounce:
-- 'failed'), once per report mail. This index finds that row without reading the whole ledger (a row per domain,
-- period and destination, kept report.ledgerRetention): a Report-ID has one row per destination of its domain. On
-- report_id alone: with destination it would pass MariaDB's 3072-byte key limit ((600 + 254) x 4 bytes in utf8mb4).
CREATE INDEX dmarc_report_delivery_report ON dmarc_report_delivery (report_id);
