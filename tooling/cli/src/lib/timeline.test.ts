import { describe, it } from "vitest";
import { MAX_LABELS, OTHER_LABEL, Timeline } from "./timeline.ts";

describe("Timeline", () => {
	it("groups requests by the second they were sent in, with outcomes and percentiles", ({ expect }) => {
		const t = new Timeline(100);
		t.record(10, 2, "4 NO_STRATEGY", "refused", true);
		t.record(900, 4, "0 TAKE", "taken", true);
		t.record(1200, 60, "timeout", "timeout", false);
		t.record(1300, 1, "http_500", "error", false);
		t.record(1400, 3, "4 NO_STRATEGY", "refused", false);
		// Nothing sent in second 2: a gap row, then second 3.
		t.record(3100, 5, "ping", "ping", false);
		const rows = t.seconds();
		expect(rows.map((r) => [r.t, r.sent, r.ok, r.timeouts, r.errors, r.warmup])).toEqual([
			[0, 2, 2, 0, 0, true],
			[1, 3, 1, 1, 1, false],
			[2, 0, 0, 0, 0, false],
			[3, 1, 1, 0, 0, false],
		]);
		expect(rows[1]?.outcomes).toEqual({ timeout: 1, http_500: 1, "4 NO_STRATEGY": 1 });
		expect(rows[1]).toMatchObject({ p50: 3, p99: 60, max: 60 });
		expect(t.labels()).toEqual([
			{ label: "4 NO_STRATEGY", kind: "refused" },
			{ label: "0 TAKE", kind: "taken" },
			{ label: "timeout", kind: "timeout" },
			{ label: "http_500", kind: "error" },
			{ label: "ping", kind: "ping" },
		]);
	});

	it("counts labels past the cap as one, and ignores records past its capacity", ({ expect }) => {
		const t = new Timeline(40);
		for (let code = 1; code <= 30; code++) t.record(0, 1, `${code} CODE`, "refused", false);
		expect(t.labels()).toHaveLength(MAX_LABELS);
		expect(t.labels().at(-1)?.label).toBe(OTHER_LABEL);
		expect(t.seconds()[0]?.outcomes[OTHER_LABEL]).toBe(30 - (MAX_LABELS - 1));
		for (let i = 0; i < 20; i++) t.record(0, 1, "1 CODE", "refused", false);
		expect(t.seconds()[0]?.sent).toBe(40);
		expect(new Timeline(0).seconds()).toEqual([]);
	});
});
