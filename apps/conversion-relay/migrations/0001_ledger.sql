-- The relay's ledger. Idempotency lives in the UNIQUE constraints below: writers use
-- INSERT … ON CONFLICT DO NOTHING and read the row back, never check-then-insert.

-- Clicks forwarded by Tencent to the feedback URL (docs/conversion/form-api.md §4). click_id is
-- Tencent's unique id for one click (§4.4), so it is the idempotency key.
CREATE TABLE clicks (
	click_id      TEXT    PRIMARY KEY,
	muid          TEXT    NOT NULL,               -- 32 lower-case hex (§4.4, §5.7)
	click_time    INTEGER NOT NULL,               -- seconds
	appid         TEXT    NOT NULL,               -- digits, kept as text (App Store ids exceed 2^31)
	advertiser_id TEXT    NOT NULL,
	app_type      TEXT    NOT NULL CHECK (app_type IN ('android', 'ios', 'unionandroid')),
	non_device    INTEGER NOT NULL DEFAULT 0,     -- 1 when muid is the hash of a placeholder id
	callback      TEXT,                           -- optional __CALLBACK__ URL, for a future upstream format
	caller_ip     TEXT,
	received_at   INTEGER NOT NULL                -- milliseconds
) STRICT;

-- Attribution: latest click of a muid+appid at or before conv_time.
CREATE INDEX clicks_by_device ON clicks (muid, appid, click_time);

CREATE TABLE conversions (
	id             TEXT    PRIMARY KEY,
	event_id       TEXT    NOT NULL UNIQUE,       -- caller's idempotency key
	fingerprint    TEXT    NOT NULL,              -- hash of the normalized request, to spot reused event_ids
	appid          TEXT    NOT NULL,
	advertiser_id  TEXT    NOT NULL,
	app_type       TEXT    NOT NULL CHECK (app_type IN ('IOS', 'ANDROID', 'UNIONANDROID')),
	conv_type      TEXT    NOT NULL,
	conv_time      INTEGER NOT NULL,
	client_ip      TEXT    NOT NULL DEFAULT '',
	value          INTEGER,
	muid           TEXT    NOT NULL,
	device_kind    TEXT    NOT NULL CHECK (device_kind IN ('imei', 'idfa', 'oaid', 'muid')),
	click_id       TEXT,                          -- matched click, NULL when none
	click_time     INTEGER,
	upstream       TEXT    NOT NULL,              -- delivery format, e.g. 'gdt-form-v1'
	-- pending -> sending (leased) -> delivered | failed; sending -> pending on a retryable outcome.
	status         TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
	attempts       INTEGER NOT NULL DEFAULT 0,
	budget_base    INTEGER NOT NULL DEFAULT 0,    -- attempts already spent when last reopened
	lease_token    TEXT,
	lease_until    INTEGER,                       -- ms; a lease past this is abandoned
	next_attempt_at INTEGER,                      -- ms; when a retry is due (informational, sweeper)
	enqueued_at    INTEGER,                       -- ms; last successful enqueue
	fail_code      TEXT,
	fail_reason    TEXT,
	tencent_ret    INTEGER,                       -- last ret Tencent answered
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	delivered_at   INTEGER
) STRICT;

CREATE INDEX conversions_by_status ON conversions (status, updated_at);

CREATE TABLE delivery_attempts (
	conversion_id TEXT    NOT NULL REFERENCES conversions (id),
	attempt       INTEGER NOT NULL,               -- 1-based, from conversions.attempts
	upstream      TEXT    NOT NULL,
	started_at    INTEGER NOT NULL,               -- ms
	duration_ms   INTEGER,                        -- NULL while in flight
	-- in_flight is written before the request goes out, so an attempt cut short by a crash still
	-- shows; the next claim marks it abandoned.
	outcome       TEXT    NOT NULL CHECK (outcome IN ('in_flight', 'delivered', 'retry', 'failed', 'abandoned')),
	http_status   INTEGER,
	tencent_ret   INTEGER,
	tencent_msg   TEXT,
	code          TEXT,
	detail        TEXT,
	PRIMARY KEY (conversion_id, attempt)
) STRICT;
