-- The evaluation history (issue 9): one row per evaluated message, one per DKIM signature of it.
-- Portable SQL for H2, MariaDB/MySQL and PostgreSQL: no identity columns, no vendor types, unnamed primary keys
-- (MariaDB ignores their names with a warning).
-- Enumerations are stored as the stable keywords of org.jamesdmarc.store.Codes; lists as text.

CREATE TABLE dmarc_message (
    message_key      VARCHAR(32)   NOT NULL,  -- org.jamesdmarc.check.MessageKey; VARCHAR, not CHAR: PostgreSQL compares a CHAR
                                            -- column with a text parameter by casting it, which forgoes the index
    received_at      BIGINT        NOT NULL,  -- epoch milliseconds
    source_ip        VARCHAR(45)   NOT NULL,
    header_from      VARCHAR(253),            -- the Author Domain; NULL when the From field named none
    envelope_from    VARCHAR(253),
    envelope_to      VARCHAR(4000) NOT NULL,  -- recipients' domains, sorted, space separated ('' for none)
    policy_domain    VARCHAR(253),
    discovery_mode   VARCHAR(8)    NOT NULL,  -- treewalk | psl
    policy_role      VARCHAR(8),              -- author | org | psd
    has_record       BOOLEAN       NOT NULL,  -- the published policy columns below are set
    pub_p            VARCHAR(10),             -- none | quarantine | reject; NULL: absent
    pub_sp           VARCHAR(10),
    pub_np           VARCHAR(10),
    pub_psd          CHAR(1),                 -- y | n | u
    pub_testing      BOOLEAN,
    pub_adkim        CHAR(1),                 -- r | s
    pub_aspf         CHAR(1),
    pub_fo           VARCHAR(16),             -- as written, ':' separated
    pub_rua          VARCHAR(2000),           -- URIs, space separated
    pub_ruf          VARCHAR(2000),
    pub_pct          SMALLINT,                -- RFC 7489 legacy pct; NULL: absent
    dmarc_result     VARCHAR(10)   NOT NULL,  -- pass | fail | none | temperror | permerror
    applied_tag      VARCHAR(2),              -- p | sp | np
    applied_policy   VARCHAR(10),
    disposition      VARCHAR(10)   NOT NULL,  -- none | quarantine | reject
    action_taken     VARCHAR(12)   NOT NULL,  -- delivered | quarantined | rejected | tagged
    overrides        VARCHAR(200)  NOT NULL,  -- override reasons, ',' separated ('' for none)
    spf_domain       VARCHAR(253),
    spf_scope        VARCHAR(5)    NOT NULL,  -- mfrom | helo
    spf_result       VARCHAR(10)   NOT NULL,
    spf_alignment    VARCHAR(12)   NOT NULL,  -- aligned | not_aligned | temperror | not_checked
    PRIMARY KEY (message_key)
);

CREATE INDEX dmarc_message_time ON dmarc_message (received_at);
CREATE INDEX dmarc_message_policy_time ON dmarc_message (policy_domain, received_at);

CREATE TABLE dmarc_dkim (
    message_key      VARCHAR(32)   NOT NULL,
    ordinal          SMALLINT      NOT NULL,  -- the signature's place among the message's signatures, from 0
    dkim_domain      VARCHAR(253),            -- d=; NULL when absent or not a domain name
    dkim_selector    VARCHAR(255)  NOT NULL,
    dkim_result      VARCHAR(10)   NOT NULL,
    dkim_alignment   VARCHAR(12)   NOT NULL,
    PRIMARY KEY (message_key, ordinal)
);
