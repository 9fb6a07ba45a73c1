import { afterEach, describe, it, vi } from "vitest";
import { describeError, LOG_LEVELS, log, logUnhandled, setMinLogLevel } from "./log.ts";
import { REDACTED, registerSecret } from "./redact.ts";

/** Captures what each console method receives while `run` runs. */
function capture(run: () => void): Record<string, string[]> {
	const lines: Record<string, string[]> = { debug: [], log: [], warn: [], error: [] };
	const spies = (["debug", "log", "warn", "error"] as const).map((method) =>
		vi.spyOn(console, method).mockImplementation((line: unknown) => {
			lines[method]?.push(String(line));
		}),
	);
	try {
		run();
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
	return lines;
}

afterEach(() => setMinLogLevel("info"));

describe("log", () => {
	it("writes one JSON line with level and event first, strings redacted at any depth", ({ expect }) => {
		registerSecret("log-test-secret-value");
		const lines = capture(() =>
			log("warn", "test_event", {
				detail: "log-test-secret-value",
				n: 1,
				nested: { url: "/x?access_token=t1" },
			}),
		);
		expect(lines.warn).toHaveLength(1);
		expect(Object.keys(JSON.parse(lines.warn?.[0] ?? "")).slice(0, 2)).toEqual(["level", "event"]);
		expect(JSON.parse(lines.warn?.[0] ?? "")).toEqual({
			level: "warn",
			event: "test_event",
			detail: REDACTED,
			n: 1,
			nested: { url: `/x?access_token=${REDACTED}` },
		});
	});

	it("maps each level onto its console method (info onto console.log)", ({ expect }) => {
		setMinLogLevel("debug");
		const lines = capture(() => {
			for (const level of LOG_LEVELS) log(level, `e_${level}`);
		});
		expect(lines.debug?.map((l) => JSON.parse(l).event)).toEqual(["e_debug"]);
		expect(lines.log?.map((l) => JSON.parse(l).event)).toEqual(["e_info"]);
		expect(lines.warn?.map((l) => JSON.parse(l).event)).toEqual(["e_warn"]);
		expect(lines.error?.map((l) => JSON.parse(l).event)).toEqual(["e_error"]);
	});

	it("drops debug by default and everything below the minimum once it is raised", ({ expect }) => {
		const byDefault = capture(() => {
			log("debug", "quiet");
			log("info", "loud");
		});
		expect(byDefault.debug).toEqual([]);
		expect(byDefault.log).toHaveLength(1);
		setMinLogLevel("warn");
		const raised = capture(() => {
			log("info", "dropped");
			log("warn", "kept");
			log("error", "kept_too");
		});
		expect(raised.log).toEqual([]);
		expect(raised.warn).toHaveLength(1);
		expect(raised.error).toHaveLength(1);
	});
});

describe("describeError", () => {
	it("gives Name: message for errors and the text of anything else, redacted", ({ expect }) => {
		registerSecret("describe-secret-value");
		expect(describeError(new TypeError("fetch describe-secret-value failed"))).toBe(
			`TypeError: fetch ${REDACTED} failed`,
		);
		expect(describeError("plain")).toBe("plain");
		expect(describeError(42)).toBe("42");
	});

	it("keeps at most 300 characters", ({ expect }) => {
		expect(describeError(new Error("x".repeat(1000)))).toHaveLength(300);
	});
});

describe("logUnhandled", () => {
	it("logs unhandled_error with the caller's fields, the description and the redacted stack", ({
		expect,
	}) => {
		registerSecret("unhandled-secret-value");
		const e = new Error("boom unhandled-secret-value");
		const lines = capture(() => logUnhandled(e, { taskid: "t-1" }));
		const line = JSON.parse(lines.error?.[0] ?? "");
		expect(line).toMatchObject({
			level: "error",
			event: "unhandled_error",
			taskid: "t-1",
			error: `Error: boom ${REDACTED}`,
		});
		expect(line.stack).toContain(`boom ${REDACTED}`);
		expect(lines.error?.[0]).not.toContain("unhandled-secret-value");
		expect(JSON.parse(capture(() => logUnhandled("not an error")).error?.[0] ?? "")).toMatchObject({
			error: "not an error",
			stack: null,
		});
	});
});
