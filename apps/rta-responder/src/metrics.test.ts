/**
 * The isolate's start time: taken at the first request, because workerd's clock reads
 * 1970-01-01 outside a request (a module-scope `new Date()` would report that).
 * @module
 */
import { describe, it } from "vitest";
import { metrics, noteRequest } from "./metrics.ts";

describe("noteRequest", () => {
	it("dates the isolate by its first request and keeps that date", ({ expect }) => {
		metrics.startedAt = null;
		noteRequest(Date.parse("2026-12-01T10:00:00.000Z"));
		expect(metrics.startedAt).toBe("2026-12-01T10:00:00.000Z");
		noteRequest(Date.parse("2026-12-01T11:00:00.000Z"));
		expect(metrics.startedAt).toBe("2026-12-01T10:00:00.000Z");
	});
});
