-- The trusted ARC sealer behind an override (issue 13, RFC 8617 §7.2), so that the aggregate report's reason can name
-- it (RFC 9990 PolicyOverrideReason comment). Portable like V1 (H2, MariaDB, PostgreSQL): nullable columns added at
-- the end, no default to write into the rows already stored (PostgreSQL and MariaDB add them without rewriting the
-- table).

-- The sealer (the ARC-Seal d= of the latest set) and its instance (i=, 1..50); NULL when no ARC override applied.
ALTER TABLE dmarc_message ADD COLUMN arc_sealer VARCHAR(253);
ALTER TABLE dmarc_message ADD COLUMN arc_instance SMALLINT;

-- The override's comment of a report row, e.g. 'arc=pass as=2 d=lists.example.org'; NULL for none. Part of the row's
-- identity (row_key) only when set, so the keys of the rows counted before this version do not change.
ALTER TABLE dmarc_report_row ADD COLUMN override_comment VARCHAR(300);
