/**
 * The D1 store: the ONLY module that touches `env.SANDBOX_DB`. Every query is scoped by dspid.
 * int64 ids travel as decimal text (`CAST(? AS INTEGER)` in, `CAST(… AS TEXT)` out) so values
 * above 2^53 stay exact. Multi-row writes go through `batch`, which D1 runs as one transaction.
 * @module
 */

/** A stored header pair. */
export interface SignRow {
	key: string;
	value: string;
}

/** A stored strategy. */
export interface TargetRow {
	target_id: string;
	target_desc: string;
}

/** A stored binding; ids as decimal text. */
export interface BindRow {
	bind_id: string;
	bind_type: number;
	target_id: string;
	account_id: string;
	bind_source: number;
}

/** One page (or everything, when `limit` is undefined) and the total. */
export interface Page<T> {
	total: number;
	rows: T[];
}

/** Paging window: `undefined` means all rows. */
export type Window = { limit: number; offset: number } | undefined;

const BIND_COLUMNS =
	"CAST(bind_id AS TEXT) AS bind_id, bind_type, target_id, CAST(account_id AS TEXT) AS account_id, bind_source";

function windowSql(window: Window): string {
	return window === undefined ? "" : " LIMIT ?2 OFFSET ?3";
}

function windowArgs(window: Window): number[] {
	return window === undefined ? [] : [window.limit, window.offset];
}

/**
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @returns its header pairs in the order they were set
 */
export async function getSigns(db: D1Database, dspid: string): Promise<SignRow[]> {
	const { results } = await db
		.prepare("SELECT key, value FROM signs WHERE dspid = ?1 ORDER BY position")
		.bind(dspid)
		.all<SignRow>();
	return results;
}

/**
 * Replaces the account's header pairs atomically; an empty list leaves none.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param signs - the new pairs, in order
 */
export async function replaceSigns(db: D1Database, dspid: string, signs: readonly SignRow[]): Promise<void> {
	await db.batch([
		db.prepare("DELETE FROM signs WHERE dspid = ?1").bind(dspid),
		...signs.map((s, position) =>
			db
				.prepare("INSERT INTO signs (dspid, position, key, value) VALUES (?1, ?2, ?3, ?4)")
				.bind(dspid, position, s.key, s.value),
		),
	]);
}

/**
 * Strategies ordered by id, with the total, read in one transaction.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param window - the page, or `undefined` for all
 * @returns the page
 */
export async function listTargets(db: D1Database, dspid: string, window: Window): Promise<Page<TargetRow>> {
	const [count, rows] = await db.batch([
		db.prepare("SELECT COUNT(*) AS n FROM targets WHERE dspid = ?1").bind(dspid),
		db
			.prepare(
				`SELECT target_id, target_desc FROM targets WHERE dspid = ?1 ORDER BY target_id${windowSql(window)}`,
			)
			.bind(dspid, ...windowArgs(window)),
	]);
	return {
		total: (count?.results[0] as { n: number } | undefined)?.n ?? 0,
		rows: (rows?.results ?? []) as TargetRow[],
	};
}

/**
 * Creates or updates a strategy, unless creating it would exceed `limit`.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param target - id and description
 * @param limit - most strategies the account may hold
 * @returns whether it was written (false: limit reached)
 */
export async function upsertTarget(
	db: D1Database,
	dspid: string,
	target: TargetRow,
	limit: number,
): Promise<boolean> {
	const now = Date.now();
	// One statement, so the limit check and the insert cannot interleave with another writer.
	const result = await db
		.prepare(
			`INSERT INTO targets (dspid, target_id, target_desc, created_at, updated_at)
			 SELECT ?1, ?2, ?3, ?4, ?4
			 WHERE EXISTS (SELECT 1 FROM targets WHERE dspid = ?1 AND target_id = ?2)
			    OR (SELECT COUNT(*) FROM targets WHERE dspid = ?1) < ?5
			 ON CONFLICT (dspid, target_id) DO UPDATE SET target_desc = excluded.target_desc, updated_at = excluded.updated_at`,
		)
		.bind(dspid, target.target_id, target.target_desc, now, limit)
		.run();
	return result.meta.changes > 0;
}

/**
 * Which of `ids` exist, and which of those have bindings.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param ids - strategy ids
 * @returns existing ids and binding counts per bound id
 */
export async function inspectTargets(
	db: D1Database,
	dspid: string,
	ids: readonly string[],
): Promise<{ existing: Set<string>; bound: Map<string, number> }> {
	const list = JSON.stringify(ids);
	const [existing, bound] = await db.batch([
		db
			.prepare(
				"SELECT target_id FROM targets WHERE dspid = ?1 AND target_id IN (SELECT value FROM json_each(?2))",
			)
			.bind(dspid, list),
		db
			.prepare(
				`SELECT target_id, COUNT(*) AS n FROM binds
				 WHERE dspid = ?1 AND target_id IN (SELECT value FROM json_each(?2)) GROUP BY target_id`,
			)
			.bind(dspid, list),
	]);
	return {
		existing: new Set(((existing?.results ?? []) as { target_id: string }[]).map((r) => r.target_id)),
		bound: new Map(
			((bound?.results ?? []) as { target_id: string; n: number }[]).map((r) => [r.target_id, r.n]),
		),
	};
}

/**
 * Deletes strategies in one transaction. The schema's ON DELETE RESTRICT makes the whole batch
 * fail if a binding appeared since {@link inspectTargets}.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param ids - strategy ids
 */
export async function deleteTargets(db: D1Database, dspid: string, ids: readonly string[]): Promise<void> {
	await db.batch(
		ids.map((id) => db.prepare("DELETE FROM targets WHERE dspid = ?1 AND target_id = ?2").bind(dspid, id)),
	);
}

/**
 * Bindings ordered by (bind_type, bind_id), optionally of one strategy, with the total.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param targetId - only this strategy's bindings, or "" for all
 * @param window - the page, or `undefined` for all
 * @returns the page
 */
export async function listBinds(
	db: D1Database,
	dspid: string,
	targetId: string,
	window: Window,
): Promise<Page<BindRow>> {
	const filter = "dspid = ?1 AND (?4 = '' OR target_id = ?4)";
	const args =
		window === undefined ? [dspid, null, null, targetId] : [dspid, window.limit, window.offset, targetId];
	const [count, rows] = await db.batch([
		db.prepare(`SELECT COUNT(*) AS n FROM binds WHERE ${filter}`).bind(dspid, null, null, targetId),
		db
			.prepare(
				`SELECT ${BIND_COLUMNS} FROM binds WHERE ${filter} ORDER BY bind_type, bind_id${windowSql(window)}`,
			)
			.bind(...args),
	]);
	return {
		total: (count?.results[0] as { n: number } | undefined)?.n ?? 0,
		rows: (rows?.results ?? []) as BindRow[],
	};
}

/** A binding to write; ids as decimal text. */
export interface BindWrite {
	bind_id: string;
	bind_type: number;
	target_id: string;
	account_id: string;
	bind_source: number;
}

/**
 * Writes bindings in one transaction: each is inserted, or moved if the object is already bound,
 * but only when its strategy exists (checked in the same statement).
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param binds - the records
 * @returns per record, whether it was written (false: the strategy does not exist)
 */
export async function upsertBinds(
	db: D1Database,
	dspid: string,
	binds: readonly BindWrite[],
): Promise<boolean[]> {
	if (binds.length === 0) return [];
	const now = Date.now();
	const results = await db.batch(
		binds.map((b) =>
			db
				.prepare(
					`INSERT INTO binds (dspid, bind_type, bind_id, target_id, account_id, bind_source, created_at, updated_at)
					 SELECT ?1, ?2, CAST(?3 AS INTEGER), ?4, CAST(?5 AS INTEGER), ?6, ?7, ?7
					 WHERE EXISTS (SELECT 1 FROM targets WHERE dspid = ?1 AND target_id = ?4)
					 ON CONFLICT (dspid, bind_type, bind_id) DO UPDATE SET
					   target_id = excluded.target_id, account_id = excluded.account_id,
					   bind_source = excluded.bind_source, updated_at = excluded.updated_at`,
				)
				.bind(dspid, b.bind_type, b.bind_id, b.target_id, b.account_id, b.bind_source, now),
		),
	);
	return results.map((r) => r.meta.changes > 0);
}

/**
 * Deletes bindings in one transaction.
 * @param db - SANDBOX_DB
 * @param dspid - the account
 * @param keys - (bind_type, bind_id as decimal text)
 * @returns per key, whether a binding was deleted
 */
export async function deleteBinds(
	db: D1Database,
	dspid: string,
	keys: readonly { bind_type: number; bind_id: string }[],
): Promise<boolean[]> {
	if (keys.length === 0) return [];
	const results = await db.batch(
		keys.map((k) =>
			db
				.prepare("DELETE FROM binds WHERE dspid = ?1 AND bind_type = ?2 AND bind_id = CAST(?3 AS INTEGER)")
				.bind(dspid, k.bind_type, k.bind_id),
		),
	);
	return results.map((r) => r.meta.changes > 0);
}
