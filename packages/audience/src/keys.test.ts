import { describe, it } from "vitest";
import { deltaKeyTime, isSnapshotId, newDeltaKey, newSnapshotId, shardKey } from "./keys.ts";

describe("KV keys", () => {
	it("delta keys sort by time and carry it", ({ expect }) => {
		const a = newDeltaKey(1_764_000_000_123);
		const b = newDeltaKey(1_764_000_000_124);
		expect(a).toMatch(/^audience:delta:1764000000123-[0-9a-f]{8}$/);
		expect(a < b).toBe(true);
		expect(deltaKeyTime(a)).toBe(1_764_000_000_123);
		expect(newDeltaKey(5)).toMatch(/^audience:delta:0000000000005-/);
		expect(deltaKeyTime("audience:delta:123-abcdef01")).toBeUndefined();
		expect(deltaKeyTime("audience:manifest")).toBeUndefined();
	});

	it("snapshot ids carry the build time and are key-safe", ({ expect }) => {
		const id = newSnapshotId(new Date("2026-12-01T16:05:00.123Z"));
		expect(id).toMatch(/^20261201T160500Z-[0-9a-f]{8}$/);
		expect(isSnapshotId(id)).toBe(true);
		expect(isSnapshotId("a:b")).toBe(false);
		expect(isSnapshotId("")).toBe(false);
		expect(isSnapshotId("x".repeat(65))).toBe(false);
		expect(shardKey(id, 17)).toBe(`audience:shard:${id}:17`);
	});
});
