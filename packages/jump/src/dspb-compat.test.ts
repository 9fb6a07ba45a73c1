import { type DspbAd, parseAdResponse } from "@txad/dspb";
import { describe, it } from "vitest";
import { decideJump } from "./decide.ts";
import { filterByInstallRelation } from "./install.ts";
import { CONVERSION_EVENT, FULL_HOST } from "./jump.testdata.ts";
import type { JumpAd } from "./types.ts";

// A parsed @txad/dspb ad must be usable as a JumpAd without mapping.
const asJumpAd = (ad: DspbAd): JumpAd => ad;

describe("@txad/dspb ads feed the decision directly", () => {
	it("parse → install filter → jump plan", ({ expect }) => {
		const body = JSON.stringify({
			ret: 0,
			msg: "",
			data: {
				"8050018672826551": {
					list: [
						{
							ad_id: 1,
							impression_link: "https://v.gdt.qq.com/i",
							click_link: "https://c.gdt.qq.com/c",
							interact_type: 1,
							package_name: "com.example",
							relation_target: "1",
							customized_invoke_url: "",
							market_url: "market://details?id=com.example",
							package_url: "https://dl/x.apk",
							landing_page_url: "https://lp",
							conversion_event: CONVERSION_EVENT,
						},
					],
				},
			},
		});
		const [ad] = parseAdResponse(body, "8050018672826551");
		if (!ad) throw new Error("no ad");
		expect(filterByInstallRelation(asJumpAd(ad), false)).toEqual({ kind: "show", reason: "matches" });
		const drop = filterByInstallRelation(ad, true);
		expect(drop.kind === "drop" && drop.report?.url).toBe(CONVERSION_EVENT.app_installed);
		const plan = decideJump(ad, FULL_HOST.android);
		expect(plan.kind === "jump" && plan.steps.map((s) => s.action.kind)).toEqual([
			"vendor_store",
			"landing_page",
		]);
	});
});
