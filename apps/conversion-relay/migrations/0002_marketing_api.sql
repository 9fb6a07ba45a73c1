-- The Marketing API v3 formats (docs/conversion/marketing-api-v3.md), the late-click hold,
-- "outcome unknown" attempts, OAuth token pairs and per-account call counters.
--
-- SQLite cannot change a CHECK constraint in place, so conversions and delivery_attempts are
-- rebuilt: new tables are filled from the old ones, the old ones dropped (child first, so no
-- foreign key ever points at a missing row) and the new ones renamed. Renaming rewrites the
-- REFERENCES clause of delivery_attempts to follow conversions_v2 → conversions.

CREATE TABLE conversions_v2 (
	id             TEXT    PRIMARY KEY,
	event_id       TEXT    NOT NULL UNIQUE,
	fingerprint    TEXT    NOT NULL,
	appid          TEXT    NOT NULL,
	advertiser_id  TEXT    NOT NULL,
	app_type       TEXT    NOT NULL CHECK (app_type IN ('IOS', 'ANDROID', 'UNIONANDROID')),
	conv_type      TEXT,                          -- form API code; NULL when only an action_type was given
	action_type    TEXT,                          -- Marketing API action_type; NULL when conv_type has no mapping
	custom_action  TEXT,                          -- with action_type CUSTOM
	conv_time      INTEGER NOT NULL,
	client_ip      TEXT    NOT NULL DEFAULT '',
	value          INTEGER,
	muid           TEXT,                          -- NULL for ids that have no muid (android_id, caid, wechat_openid)
	device_kind    TEXT    NOT NULL CHECK (device_kind IN ('imei', 'idfa', 'oaid', 'muid', 'android_id', 'caid', 'wechat_openid')),
	user_id        TEXT    NOT NULL DEFAULT '{}', -- JSON: the Marketing API user_id object (hashes, never raw device ids)
	click_id       TEXT,
	click_time     INTEGER,
	callback_url   TEXT,                          -- the attributed click's __CALLBACK__, copied so purged clicks never matter
	upstream       TEXT    NOT NULL,
	-- waiting_click -> pending (a late click) | unattributed (the hold ran out);
	-- pending -> sending (leased) -> delivered | failed | pending.
	status         TEXT    NOT NULL CHECK (status IN ('waiting_click', 'unattributed', 'pending', 'sending', 'delivered', 'failed')),
	hold_until     INTEGER,                       -- ms; end of the late-click hold
	attempts       INTEGER NOT NULL DEFAULT 0,
	budget_base    INTEGER NOT NULL DEFAULT 0,
	uncounted_attempts INTEGER NOT NULL DEFAULT 0, -- rate-limit answers and re-sends for another action's fault
	lease_token    TEXT,
	lease_until    INTEGER,
	next_attempt_at INTEGER,
	enqueued_at    INTEGER,
	fail_code      TEXT,                          -- on pending rows: why the conversion waits (CONFIG_*, RATE_LIMITED)
	fail_reason    TEXT,
	tencent_ret    INTEGER,                       -- last form API ret or Marketing API code
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	delivered_at   INTEGER
) STRICT;

INSERT INTO conversions_v2 (
	id, event_id, fingerprint, appid, advertiser_id, app_type, conv_type, action_type, custom_action, conv_time,
	client_ip, value, muid, device_kind, user_id, click_id, click_time, callback_url, upstream, status, hold_until,
	attempts, budget_base, uncounted_attempts, lease_token, lease_until, next_attempt_at, enqueued_at, fail_code,
	fail_reason, tencent_ret, created_at, updated_at, delivered_at)
SELECT
	c.id, c.event_id, c.fingerprint, c.appid, c.advertiser_id, c.app_type, c.conv_type,
	-- docs/conversion/marketing-api-v3.md "conv_type ↔ action_type"
	CASE c.conv_type
		WHEN 'MOBILEAPP_ACTIVITE' THEN 'ACTIVATE_APP'
		WHEN 'MOBILEAPP_REGISTER' THEN 'REGISTER'
		WHEN 'MOBILEAPP_ADDTOCART' THEN 'ADD_TO_CART'
		WHEN 'MOBILEAPP_COST' THEN 'PURCHASE'
	END,
	NULL, c.conv_time, c.client_ip, c.value, c.muid, c.device_kind,
	CASE
		WHEN c.device_kind = 'imei' THEN json_object('hash_imei', c.muid)
		WHEN c.device_kind = 'idfa' THEN json_object('hash_idfa', c.muid)
		WHEN c.device_kind = 'oaid' THEN json_object('hash_oaid', c.muid)
		WHEN c.app_type = 'IOS' THEN json_object('hash_idfa', c.muid)
		ELSE json_object('hash_imei', c.muid)
	END,
	c.click_id, c.click_time, (SELECT k.callback FROM clicks k WHERE k.click_id = c.click_id),
	c.upstream, c.status, NULL, c.attempts, c.budget_base, 0, c.lease_token, c.lease_until, c.next_attempt_at,
	c.enqueued_at, c.fail_code, c.fail_reason, c.tencent_ret, c.created_at, c.updated_at, c.delivered_at
FROM conversions c;

CREATE TABLE delivery_attempts_v2 (
	conversion_id TEXT    NOT NULL REFERENCES conversions_v2 (id),
	attempt       INTEGER NOT NULL,
	upstream      TEXT    NOT NULL,
	started_at    INTEGER NOT NULL,
	duration_ms   INTEGER,
	-- unknown: the request may have reached Tencent (a timeout); the next send repeats it.
	outcome       TEXT    NOT NULL CHECK (outcome IN ('in_flight', 'delivered', 'retry', 'unknown', 'failed', 'abandoned')),
	http_status   INTEGER,
	tencent_ret   INTEGER,
	tencent_msg   TEXT,
	code          TEXT,
	detail        TEXT,
	call_id       TEXT,                           -- the upstream call this attempt rode in (its nonce on v3)
	prior_call_id TEXT,                           -- a call refused for its token just before, then repeated
	trace_id      TEXT,                           -- X-TSA-Trace-Id, to quote to Tencent
	actions_in_call INTEGER,                      -- how many conversions shared the call
	PRIMARY KEY (conversion_id, attempt)
) STRICT;

INSERT INTO delivery_attempts_v2 (conversion_id, attempt, upstream, started_at, duration_ms, outcome, http_status,
	tencent_ret, tencent_msg, code, detail)
SELECT conversion_id, attempt, upstream, started_at, duration_ms, outcome, http_status, tencent_ret, tencent_msg, code,
	detail
FROM delivery_attempts;

DROP TABLE delivery_attempts;
DROP TABLE conversions;
ALTER TABLE conversions_v2 RENAME TO conversions;
ALTER TABLE delivery_attempts_v2 RENAME TO delivery_attempts;

CREATE INDEX conversions_by_status ON conversions (status, updated_at);
-- A late click finds the conversions waiting for it.
CREATE INDEX conversions_waiting ON conversions (muid, appid, conv_time) WHERE status = 'waiting_click';
CREATE INDEX delivery_attempts_by_call ON delivery_attempts (call_id);
-- The cron purge of clicks too old to attribute anything.
CREATE INDEX clicks_by_time ON clicks (click_time);

-- OAuth access/refresh token pairs (docs/conversion/marketing-api-v3.md "Token sources"). A
-- refresh invalidates both old tokens, so one UPDATE replaces both, and only the holder of the
-- refresh lease may refresh.
CREATE TABLE oauth_tokens (
	account_id          TEXT    PRIMARY KEY,
	access_token        TEXT    NOT NULL,
	refresh_token       TEXT    NOT NULL,
	access_expires_at   INTEGER NOT NULL,         -- ms
	refresh_expires_at  INTEGER NOT NULL,         -- ms
	generation          INTEGER NOT NULL DEFAULT 1,
	refresh_lease_token TEXT,
	refresh_lease_until INTEGER,                  -- ms
	last_refresh_error  TEXT,
	updated_at          INTEGER NOT NULL
) STRICT;

-- Calls per account and calendar minute, shared by every isolate (docs/conversion/marketing-api-v3.md
-- "Quotas": calls per minute). blocked_until holds an account back after Tencent said a quota ran out.
CREATE TABLE rate_limits (
	account_id    TEXT    PRIMARY KEY,
	window_start  INTEGER NOT NULL,               -- ms, start of the counted minute
	calls         INTEGER NOT NULL DEFAULT 0,
	last_grant    INTEGER NOT NULL DEFAULT 0,     -- what the latest request was granted (read by RETURNING)
	blocked_until INTEGER NOT NULL DEFAULT 0,     -- ms
	block_reason  TEXT
) STRICT;
