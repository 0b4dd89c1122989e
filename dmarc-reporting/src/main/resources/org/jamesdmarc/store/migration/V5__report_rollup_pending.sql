-- Counters out of the writing transaction (issue 9's ingest goal, issue 10's report time): a writer stores the
-- messages and, in the same transaction, each new message's key in dmarc_rollup_pending, nothing else; the roll-up
-- (org.jamesdmarc.store.ReportRollup) later folds the pending messages into the report counters and deletes their
-- keys in the transaction that adds their counts, so each message is counted exactly once, a late one too (a
-- journal replayed days later is just more pending keys). Messages stored before this version are counted already
-- (by the writers of V2-V4 or by migration 3): nothing to convert, the table starts empty.
CREATE TABLE dmarc_rollup_pending (
    message_key      VARCHAR(32)   NOT NULL,
    PRIMARY KEY (message_key)
);

-- One row, locked by a roll-up for its transaction: two roll-ups (James nodes, the dmarc command) never count the
-- same pending key; messages counts what was rolled up, for inspection.
CREATE TABLE dmarc_rollup_state (
    id               SMALLINT      NOT NULL,
    messages         BIGINT        NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO dmarc_rollup_state (id, messages) VALUES (1, 0);

-- The roll-up keys a counter by the start of its report period (the UTC day by default), no longer by the hour: a
-- day's report reads ~3 M rows instead of ~7.6 M (10 M messages, 100,000 domains). slice_seconds is how long the
-- row's slice is (3600 for the hourly rows of V2-V4), so retention deletes a row only once its whole slice ended.
ALTER TABLE dmarc_report_row ADD COLUMN slice_seconds INTEGER DEFAULT 3600 NOT NULL;
ALTER TABLE dmarc_report_policy ADD COLUMN slice_seconds INTEGER DEFAULT 3600 NOT NULL;
