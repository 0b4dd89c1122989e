-- A migration of a release newer than the code under test: the store must refuse such a schema.
CREATE TABLE dmarc_future_marker (marker INT);
