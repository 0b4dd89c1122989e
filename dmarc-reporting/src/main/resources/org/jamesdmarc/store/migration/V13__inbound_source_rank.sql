-- Inbound source ranking (issue 12: /dmarc/reports/inbound at <= 200 ms with 1 M inbound records). The view ranks a
-- domain's sources over the window (the top 1,000 by messages, for the "ready for p=reject?" hint and the
-- dispositions) from dmarc_inbound_source (V10), whose rows of one domain are spread over the table's pages (they
-- are written report by report). This index holds what the ranking reads (volume, DMARC pass, dispositions and the
-- forwarding override types), in (domain, day, source) order: the ranking is one range of it (an index-only scan on
-- PostgreSQL), and only the few sources listed in full read the table. 12 columns (MariaDB allows 16 per index).
-- Portable like V1-V12 (H2, MariaDB, PostgreSQL); indexes need no backfill.
CREATE INDEX dmarc_inbound_source_rank ON dmarc_inbound_source (policy_domain, day_start, source_ip, messages,
    dmarc_pass, disp_none, disp_pass, disp_quarantine, disp_reject, ovr_forwarded, ovr_trusted_forwarder,
    ovr_mailing_list);

-- The listed sources' full sums and reporters: a few sources of one domain over the window, each one short range
-- (the primary keys lead with the day, so without these a few sources cost a pass over the domain's whole window).
CREATE INDEX dmarc_inbound_source_ip ON dmarc_inbound_source (policy_domain, source_ip, day_start);
CREATE INDEX dmarc_inbound_source_org_ip ON dmarc_inbound_source_org (policy_domain, source_ip, day_start);
