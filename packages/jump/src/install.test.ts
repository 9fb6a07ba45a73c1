import { describe, it } from "vitest";
import { isJumpError } from "./errors.ts";
import { filterByInstallRelation } from "./install.ts";
import { CONVERSION_EVENT, INSTALL_ROWS } from "./jump.testdata.ts";
import type { JumpAd } from "./types.ts";

describe("filterByInstallRelation: docs/dspb/protocol.md 转化上报-应用安装上报与过滤策略应用", () => {
	it.for(INSTALL_ROWS)("$name", (row, { expect }) => {
		const ad: JumpAd = {
			interact_type: 1,
			package_name: "com.example",
			conversion_event: CONVERSION_EVENT,
			...row.ad,
		};
		const decision = filterByInstallRelation(ad, row.installed);
		expect(decision.kind).toBe(row.kind);
		expect(decision.reason).toBe(row.reason);
		if (decision.kind === "drop") {
			expect(decision.report).toEqual(
				row.reportEvent === undefined
					? undefined
					: { event: row.reportEvent, url: CONVERSION_EVENT[row.reportEvent] },
			);
		}
	});

	it("rejects relation_target 3", ({ expect }) => {
		let caught: unknown;
		try {
			filterByInstallRelation({ interact_type: 1, relation_target: 3 as 1 }, true);
		} catch (e) {
			caught = e;
		}
		expect(isJumpError(caught) && caught.field).toBe("relation_target");
		expect(isJumpError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isJumpError(caught) && caught.message).toContain("relation_target");
	});

	it("drops without a report when the ad has no conversion_event", ({ expect }) => {
		const ad: JumpAd = { interact_type: 1, package_name: "com.example", relation_target: 1 };
		expect(filterByInstallRelation(ad, true)).toEqual({
			kind: "drop",
			reason: "installed",
			report: undefined,
		});
	});
});
