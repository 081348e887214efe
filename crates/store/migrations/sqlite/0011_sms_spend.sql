-- Text messages counted against the spend cap: per pool per day (`day:<n>`) and per destination
-- per hour (`to:<number>:<n>`), each row kept until its window has passed.
CREATE TABLE sms_spend (
    pool_id  TEXT NOT NULL,
    bucket   TEXT NOT NULL,
    count    INTEGER NOT NULL,
    expires  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, bucket)
) WITHOUT ROWID;
CREATE INDEX sms_spend_by_expiry ON sms_spend(expires);
