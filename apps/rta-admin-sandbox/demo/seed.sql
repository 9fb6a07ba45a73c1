-- Demo data for local development (`npm run dev` applies it; safe to re-run). Account 10001
-- (token in .dev.vars.example) has two strategies, three bindings and one header pair.
INSERT OR IGNORE INTO targets (dspid, target_id, target_desc, created_at, updated_at) VALUES
	('10001', 'reactivate-15d', '拉活，最近15天活跃用户', 1767225600000, 1767225600000),
	('10001', 'new-users', 'New users, never installed', 1767225600000, 1767225600000);
INSERT OR IGNORE INTO binds (dspid, bind_type, bind_id, target_id, account_id, bind_source, created_at, updated_at) VALUES
	('10001', 1, 4000000001, 'reactivate-15d', 20345, 1, 1767225600000, 1767225600000),
	('10001', 1, 4000000002, 'reactivate-15d', 20345, 2, 1767225600000, 1767225600000),
	('10001', 2, 9007199254740993, 'new-users', 20345, 1, 1767225600000, 1767225600000);
INSERT OR IGNORE INTO signs (dspid, position, key, value) VALUES
	('10001', 0, 'X-Rta-Sign', 'demo-signature-value');
