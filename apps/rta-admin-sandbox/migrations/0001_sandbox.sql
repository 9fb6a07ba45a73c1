-- RTA management sandbox (docs/rta/management-api.md entities), partitioned by dspid: every account
-- sees only its own rows. int64 ids (bind_id, account_id) are INTEGER: SQLite stores 64-bit
-- integers exactly; src/db.ts writes them with CAST(? AS INTEGER) from decimal text and reads them
-- back with CAST(… AS TEXT), so no id ever passes through a JS number.

-- sign/get, sign/set: the header pairs, in the order they were set. sign/set replaces them all.
CREATE TABLE signs (
	dspid TEXT NOT NULL,
	position INTEGER NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (dspid, position)
);

-- target/*: strategies.
CREATE TABLE targets (
	dspid TEXT NOT NULL,
	target_id TEXT NOT NULL,
	target_desc TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (dspid, target_id)
);

-- bind/*: one object (bind_type, bind_id) is bound to at most one strategy; bind/set on a bound
-- object moves it. A strategy with bindings cannot be deleted (ON DELETE RESTRICT backs up the
-- check in src/handlers/target.ts).
CREATE TABLE binds (
	dspid TEXT NOT NULL,
	bind_type INTEGER NOT NULL,
	bind_id INTEGER NOT NULL,
	target_id TEXT NOT NULL,
	account_id INTEGER NOT NULL DEFAULT 0,
	bind_source INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (dspid, bind_type, bind_id),
	FOREIGN KEY (dspid, target_id) REFERENCES targets (dspid, target_id) ON DELETE RESTRICT
);

CREATE INDEX binds_by_target ON binds (dspid, target_id);
