import { describe, it } from "vitest";
import {
	adCategory,
	conversionUrls,
	decideJump,
	deeplinkOutcome,
	isDeeplinkStep,
	type JumpPlan,
} from "./decide.ts";
import { isJumpError } from "./errors.ts";
import {
	adWith,
	CONVERSION_EVENT,
	FIELD_VALUES,
	FULL_HOST,
	PRIORITY_ROWS,
	SEED_URL_TABLE,
} from "./jump.testdata.ts";
import { type AdCategory, JUMP_PRIORITY, type JumpField, URL_AVAILABILITY } from "./tables.ts";
import type { HostCapabilities, JumpAd } from "./types.ts";

const stepsOf = (plan: JumpPlan) => (plan.kind === "jump" ? plan.steps.map((s) => s.action.kind) : []);
const skippedOf = (plan: JumpPlan) => plan.skipped.map((s) => `${s.field}:${s.reason}`);

describe("decideJump: docs/dspb/protocol.md 点击交互处理逻辑, every priority row", () => {
	it.for(PRIORITY_ROWS)("$name", (row, { expect }) => {
		const host = { ...FULL_HOST[row.platform], ...row.host } as HostCapabilities;
		const plan = decideJump(adWith(row.interactType, row.fields), host);
		expect(plan.kind).toBe(row.steps.length === 0 ? "no_target" : "jump");
		expect(stepsOf(plan)).toEqual(row.steps);
		expect(skippedOf(plan)).toEqual(row.skipped ?? []);
	});
});

describe("decideJump: DSP-B guide 不同类型广告返回的URL, every cell", () => {
	const columns: AdCategory[] = ["android_download", "android_web", "ios_web"];
	it("URL_AVAILABILITY is the guide's table", ({ expect }) => {
		for (const [field, ...marks] of SEED_URL_TABLE) {
			expect(columns.map((c) => URL_AVAILABILITY[field as JumpField][c])).toEqual(
				marks.map((m) => m === "√"),
			);
		}
		expect(Object.keys(URL_AVAILABILITY).sort()).toEqual(SEED_URL_TABLE.map(([f]) => f).sort());
	});
	it("each priority list holds exactly the table's √ fields of its column", ({ expect }) => {
		for (const c of columns) {
			const allowed = SEED_URL_TABLE.filter((r) => r[columns.indexOf(c) + 1] === "√").map(([f]) => f);
			expect([...JUMP_PRIORITY[c]].sort()).toEqual(allowed.sort());
		}
	});
	const cells = SEED_URL_TABLE.flatMap(([field, ...marks]) =>
		columns.map((category, i) => ({ field: field as JumpField, category, available: marks[i] === "√" })),
	);
	const setup = {
		android_download: { platform: "android", interactType: 1 },
		android_web: { platform: "android", interactType: 0 },
		ios_web: { platform: "ios", interactType: 0 },
	} as const;
	it.for(cells)("$field on $category: available $available", ({ field, category, available }, { expect }) => {
		const { platform, interactType } = setup[category];
		const plan = decideJump(adWith(interactType, [field, "landing_page_url"]), FULL_HOST[platform]);
		expect(plan.kind === "jump" && plan.category).toBe(category);
		if (plan.kind !== "jump") return;
		if (available) {
			expect(plan.steps[0].field).toBe(field);
		} else {
			expect(plan.steps.map((s) => s.field)).toEqual(["landing_page_url"]);
			expect(plan.skipped).toContainEqual({ field, reason: "not_for_this_ad_type" });
		}
	});
});

describe("decideJump: actions carry the ad's values", () => {
	it("deeplink step on Android: invoke + success URLs and the 5 s background rule", ({ expect }) => {
		const plan = decideJump(adWith(1, ["customized_invoke_url", "landing_page_url"]), FULL_HOST.android);
		if (plan.kind !== "jump") throw new Error("no plan");
		const [first, fallback] = plan.steps;
		expect(first.action).toEqual({ kind: "deeplink", url: FIELD_VALUES.customized_invoke_url });
		expect(isDeeplinkStep(first)).toBe(true);
		expect(first.successRule).toEqual({ kind: "host_in_background_after", delayMs: 5000 });
		expect(conversionUrls(first, "invoke")).toEqual([CONVERSION_EVENT.deeplink_invoke]);
		expect(conversionUrls(first, "invoke_success")).toEqual([CONVERSION_EVENT.deeplink_success]);
		expect(conversionUrls(first, "download_start")).toEqual([]);
		expect(fallback?.action).toEqual({ kind: "landing_page", url: FIELD_VALUES.landing_page_url });
		expect(fallback?.conversions).toEqual([]);
	});

	it.for(["universal_link", "customized_invoke_url"] as const)(
		"iOS %s step: deeplink events with the system-cancel rule",
		(field, { expect }) => {
			const plan = decideJump(adWith(0, [field, "landing_page_url"]), FULL_HOST.ios);
			if (plan.kind !== "jump") throw new Error("no plan");
			expect(plan.steps[0].successRule).toEqual({ kind: "not_cancelled_by_system" });
			expect(plan.steps[0].conversions.map((c) => `${c.when}:${c.event}`)).toEqual([
				"invoke:deeplink_invoke",
				"invoke_success:deeplink_success",
			]);
		},
	);

	it("download step: confirmation details and the three download conversions", ({ expect }) => {
		const ad = adWith(1, ["package_url", "landing_page_url"], {
			app_name: "沙城传说",
			app_version: "1.2.3",
			advertiser_name: "Example Ltd",
			package_size_bytes: 52428800,
			app_info_url: "https://info",
			permissions_url: "https://perm",
			privacy_agreement: "https://privacy",
			description_url: "",
		});
		const plan = decideJump(ad, FULL_HOST.android);
		if (plan.kind !== "jump") throw new Error("no plan");
		expect(plan.steps[0].action).toEqual({
			kind: "download",
			url: FIELD_VALUES.package_url,
			confirm: {
				app_name: "沙城传说",
				app_version: "1.2.3",
				advertiser_name: "Example Ltd",
				package_size_bytes: 52428800,
				app_info_url: "https://info",
				permissions_url: "https://perm",
				privacy_agreement: "https://privacy",
			},
		});
		expect(plan.steps[0].conversions.map((c) => [c.when, c.url])).toEqual([
			["download_start", CONVERSION_EVENT.download_started],
			["download_finish", CONVERSION_EVENT.download_finished],
			["install", CONVERSION_EVENT.install_finished],
		]);
		expect(plan.steps[0].successRule).toBeUndefined();
	});

	it("iOS universal link and deeplink steps are deeplink steps", ({ expect }) => {
		for (const field of ["universal_link", "customized_invoke_url"] as const) {
			const plan = decideJump(adWith(0, [field, "landing_page_url"]), FULL_HOST.ios);
			if (plan.kind !== "jump") throw new Error("no plan");
			expect(plan.steps.map(isDeeplinkStep)).toEqual([true, false]);
		}
	});

	it("a download confirmation leaves out what the ad does not carry", ({ expect }) => {
		const plan = decideJump(adWith(1, ["package_url"], { app_name: "X" }), FULL_HOST.android);
		// toStrictEqual: a key present with the value undefined counts as a difference.
		expect(plan.kind === "jump" && plan.steps[0].action).toStrictEqual({
			kind: "download",
			url: FIELD_VALUES.package_url,
			confirm: { app_name: "X" },
		});
	});

	it("an ad without conversion_event, or with empty URLs, reports nothing", ({ expect }) => {
		for (const field of ["customized_invoke_url", "package_url"]) {
			const bare = adWith(1, [field], { conversion_event: undefined });
			const plan = decideJump(bare, FULL_HOST.android);
			expect(plan.kind === "jump" && plan.steps.map((s) => s.conversions)).toEqual([[]]);
		}
		const empty = adWith(1, ["package_url"], {
			conversion_event: { download_started: "", download_finished: "https://f" },
		});
		const plan2 = decideJump(empty, FULL_HOST.android);
		expect(plan2.kind === "jump" && plan2.steps[0].conversions.map((c) => c.event)).toEqual([
			"download_finished",
		]);
	});

	it("conversions the ad has no URL for are left out", ({ expect }) => {
		const ad = adWith(1, ["package_url"], { conversion_event: { download_started: "https://s" } });
		const plan = decideJump(ad, FULL_HOST.android);
		expect(plan.kind === "jump" && plan.steps[0].conversions).toEqual([
			{ when: "download_start", event: "download_started", url: "https://s" },
		]);
	});

	it("vendor store, quick app, WeChat and App Store steps report no conversions", ({ expect }) => {
		const cases: Array<[0 | 1, string, "android" | "ios"]> = [
			[1, "market_url", "android"],
			[0, "quick_app_link", "android"],
			[0, "wechat_app", "android"],
			[1, "wechat_canvas", "android"],
			[0, "app_id", "ios"],
		];
		for (const [interactType, field, platform] of cases) {
			const plan = decideJump(adWith(interactType, [field]), FULL_HOST[platform]);
			expect(plan.kind === "jump" && plan.steps[0].conversions).toEqual([]);
		}
	});

	it("WeChat actions carry the openSDK request fields", ({ expect }) => {
		const mini = decideJump(adWith(0, ["wechat_app"]), FULL_HOST.android);
		expect(mini.kind === "jump" && mini.steps[0].action).toEqual({
			kind: "wechat_mini_program",
			username: FIELD_VALUES.wechat_app_username,
			path: FIELD_VALUES.wechat_app_path,
			extData: FIELD_VALUES.wechat_app_ext_data,
			miniProgramType: 0,
		});
		const canvas = decideJump(adWith(0, ["wechat_canvas"]), FULL_HOST.ios);
		expect(canvas.kind === "jump" && canvas.steps[0].action).toEqual({
			kind: "wechat_canvas",
			businessType: "nativeOpenAdCanvas",
			extInfo: FIELD_VALUES.wechat_canvas,
		});
		const store = decideJump({ interact_type: 0, app_id: 982906456 }, FULL_HOST.ios);
		expect(store.kind === "jump" && store.steps[0].action).toEqual({ kind: "app_store", appId: "982906456" });
	});

	it("empty strings count as absent", ({ expect }) => {
		const plan = decideJump(
			{ interact_type: 0, customized_invoke_url: "", landing_page_url: "https://lp" },
			FULL_HOST.android,
		);
		expect(stepsOf(plan)).toEqual(["landing_page"]);
		expect(skippedOf(plan)).toContain("customized_invoke_url:absent");
	});
});

describe("deeplinkOutcome: DSP-B guide deeplink_success rule", () => {
	const rows: Array<[string, Parameters<typeof deeplinkOutcome>[0], "success" | "failure"]> = [
		[
			"Android, host in background after 5 s",
			{ platform: "android", hostInBackgroundAfterDelay: true },
			"success",
		],
		[
			"Android, host still in foreground",
			{ platform: "android", hostInBackgroundAfterDelay: false },
			"failure",
		],
		["iOS, opened without cancel", { platform: "ios", openedWithoutCancel: true }, "success"],
		["iOS, cancelled by the system dialog", { platform: "ios", openedWithoutCancel: false }, "failure"],
	];
	it.for(rows)("%s → %s", ([, obs, outcome], { expect }) => {
		expect(deeplinkOutcome(obs)).toBe(outcome);
	});
});

describe("bad input", () => {
	it.for([2, -1, Number.NaN])("interact_type %s", (interactType, { expect }) => {
		let caught: unknown;
		try {
			decideJump({ interact_type: interactType }, FULL_HOST.android);
		} catch (e) {
			caught = e;
		}
		expect(isJumpError(caught) && caught.field).toBe("interact_type");
		expect(isJumpError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isJumpError(caught) && caught.message).toContain("interact_type");
	});
	it("platform", ({ expect }) => {
		expect(() => adCategory("web" as "ios", 0)).toThrow(/platform/);
		let caught: unknown;
		try {
			adCategory("web" as "ios", 0);
		} catch (e) {
			caught = e;
		}
		expect(isJumpError(caught) && [caught.code, caught.field]).toEqual(["INVALID_FIELD", "platform"]);
	});
	it("a missing ad or host is a JumpError, not a TypeError", ({ expect }) => {
		const fail = (fn: () => unknown) => {
			try {
				fn();
			} catch (e) {
				return isJumpError(e) ? e.field : "not a JumpError";
			}
			return "no error";
		};
		expect(fail(() => decideJump(adWith(0, []), undefined as unknown as HostCapabilities))).toBe("platform");
		expect(fail(() => decideJump(undefined as unknown as JumpAd, FULL_HOST.ios))).toBe("interact_type");
	});
	it.for(["v6", "6.", "", "6..1"])("OpenSDK version %j", (openSdkVersion, { expect }) => {
		let caught: unknown;
		try {
			decideJump(adWith(0, ["wechat_app"]), {
				platform: "android",
				wechat: { installed: true, openSdkVersion },
			});
		} catch (e) {
			caught = e;
		}
		expect(isJumpError(caught) && caught.field).toBe("wechat.openSdkVersion");
	});
});
