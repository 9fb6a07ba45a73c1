import { beforeAll, describe, it } from "vitest";
import { isDspbError } from "./errors.ts";
import {
	type ClickMacroInput,
	fillClickLink,
	fillLossNoticeUrl,
	fillVideoViewLink,
	fillWinNoticeUrl,
	findUnfilledMacros,
	type VideoViewMacroInput,
} from "./macros.ts";
import { parseAdResponse } from "./response.ts";
import { base64ToBytes, generateTestKeys, rawDecrypt } from "./rsa.testdata.ts";
import { type AuctionPriceEncryptor, createAuctionPriceEncryptor } from "./rsa.ts";
import { SEED_FILLED_CLICK_URL, SEED_NATIVE_RESPONSE } from "./seed.testdata.ts";

function rejects(fn: () => unknown, field: string) {
	try {
		fn();
	} catch (e) {
		return isDspbError(e) && e.code === "INVALID_FIELD" && e.field === field;
	}
	return false;
}

/** Every click macro of docs/dspb/protocol.md 点击上报-请求数据, in table order, as `name=value` pairs. */
const ALL_CLICK_MACROS = [
	"__REQ_WIDTH__",
	"__REQ_HEIGHT__",
	"__WIDTH__",
	"__HEIGHT__",
	"__DOWN_X__",
	"__DOWN_Y__",
	"__UP_X__",
	"__UP_Y__",
	"__X_MAX_ACC__",
	"__Y_MAX_ACC__",
	"__Z_MAX_ACC__",
	"__TURN_X__",
	"__TURN_Y__",
	"__TURN_Z__",
	"__TURN_TIME__",
	"__SLD__",
];
const TEMPLATE = `https://c.gdt.qq.com/gdt_mclick.fcg?viewid=abc&${ALL_CLICK_MACROS.map((m) => `${m.slice(2, -2).toLowerCase()}=${m}`).join("&")}`;
const filled = (url: string) =>
	Object.fromEntries(
		url
			.split("?")[1]
			?.split("&")
			.map((kv) => kv.split("=")) ?? [],
	);

describe("fillClickLink", () => {
	it("reproduces the guide's 点击上报-请求示例 from the guide's click_link", ({ expect }) => {
		const [ad] = parseAdResponse(SEED_NATIVE_RESPONSE, "8050018672826551");
		if (!ad) throw new Error("no ad");
		const url = fillClickLink(ad.click_link, {
			sld: 0,
			reqWidth: 250,
			reqHeight: 100,
			width: 300,
			height: 120,
			down: { x: 100, y: 50 },
			up: { x: 100, y: 50 },
		});
		const s = (u: string) => new URL(u).searchParams.get("s");
		expect(s(url)).toBe(s(SEED_FILLED_CLICK_URL));
		expect(findUnfilledMacros(url)).toEqual([]);
		expect(findUnfilledMacros(ad.click_link)).toEqual([
			"__REQ_WIDTH__",
			"__REQ_HEIGHT__",
			"__WIDTH__",
			"__HEIGHT__",
			"__DOWN_X__",
			"__DOWN_Y__",
			"__UP_X__",
			"__UP_Y__",
		]);
	});

	const touch = { width: 360, height: 200, down: { x: 10, y: 20 }, up: { x: 11, y: 22 } };
	const rows: Array<[string, ClickMacroInput, Record<string, string>]> = [
		...([0, 1, 3, 6] as const).map(
			(sld) =>
				[
					`SLD ${sld} reports coordinates`,
					{ sld, ...touch },
					{
						width: "360",
						height: "200",
						down_x: "10",
						down_y: "20",
						up_x: "11",
						up_y: "22",
						x_max_acc: "-999",
						turn_x: "-999",
						turn_time: "-999",
						sld: String(sld),
					},
				] as [string, ClickMacroInput, Record<string, string>],
		),
		[
			"SLD 0 with nothing known: all -999",
			{ sld: 0 },
			{ req_width: "-999", width: "-999", height: "-999", down_x: "-999", up_y: "-999", sld: "0" },
		],
		[
			"SLD 2 Android: m/s² × 100, truncated; coordinates -999",
			{ sld: 2, os: "android", width: 360, height: 200, maxAcceleration: { x: 9.806, y: -12.349, z: 0.5 } },
			{
				x_max_acc: "980",
				y_max_acc: "-1234",
				z_max_acc: "50",
				down_x: "-999",
				turn_x: "-999",
				sld: "2",
				width: "360",
			},
		],
		[
			// Android sensor readings are 32-bit floats and the client's × 100 runs in float
			// arithmetic, where 0.29 × 100 is 29 (a double multiply gives 28.999999999999996).
			"SLD 2 Android: 0.29 / -0.57 / 1.13 m/s² → 29 / -57 / 113, as the client computes them",
			{ sld: 2, os: "android", maxAcceleration: { x: 0.29, y: -0.57, z: 1.13 } },
			{ x_max_acc: "29", y_max_acc: "-57", z_max_acc: "113", sld: "2" },
		],
		[
			"SLD 2 Android: 2.01 / 4.35 / 0.999 m/s² → 201 / 435 / 99 (truncated, not rounded)",
			{ sld: 2, os: "android", maxAcceleration: { x: 2.01, y: 4.35, z: 0.999 } },
			{ x_max_acc: "201", y_max_acc: "435", z_max_acc: "99", sld: "2" },
		],
		[
			"SLD 2 iOS: G × 980, truncated",
			{ sld: 2, os: "ios", maxAcceleration: { x: 1.5, y: 0.01, z: -2 } },
			{ x_max_acc: "1470", y_max_acc: "9", z_max_acc: "-1960", sld: "2" },
		],
		[
			"SLD 5 twist: angles and time; acceleration -999",
			{ sld: 5, turn: { x: -30, y: 45, z: 180 }, turnTimeMs: 850 },
			{
				turn_x: "-30",
				turn_y: "45",
				turn_z: "180",
				turn_time: "850",
				x_max_acc: "-999",
				down_x: "-999",
				sld: "5",
			},
		],
	];
	it.for(rows)("%s", ([, input, expected], { expect }) => {
		const url = fillClickLink(TEMPLATE, input);
		expect(findUnfilledMacros(url)).toEqual([]);
		expect(filled(url)).toMatchObject(expected);
	});

	const bad: Array<[string, ClickMacroInput, string]> = [
		["SLD 4", { sld: 4 } as unknown as ClickMacroInput, "__SLD__"],
		["fractional coordinate", { sld: 0, down: { x: 1.5, y: 2 } }, "__DOWN_X__"],
		["NaN width", { sld: 0, width: Number.NaN }, "__WIDTH__"],
		["twist beyond 180°", { sld: 5, turn: { x: 181, y: 0, z: 0 }, turnTimeMs: 1 }, "__TURN_X__"],
		[
			"twist without time",
			{ sld: 5, turn: { x: 1, y: 0, z: 0 } } as unknown as ClickMacroInput,
			"__TURN_TIME__",
		],
		["shake without acceleration", { sld: 2, os: "android" } as unknown as ClickMacroInput, "__X_MAX_ACC__"],
		[
			"shake without os",
			{ sld: 2, maxAcceleration: { x: 1, y: 1, z: 1 } } as unknown as ClickMacroInput,
			"os",
		],
	];
	it.for(bad)("rejects %s naming %s", ([, input, field], { expect }) => {
		expect(rejects(() => fillClickLink(TEMPLATE, input), field)).toBe(true);
	});
	it("rejects an empty click_link", ({ expect }) => {
		expect(rejects(() => fillClickLink("", { sld: 0 }), "click_link")).toBe(true);
	});
});

describe("fillVideoViewLink", () => {
	const template =
		"https://v.gdt.qq.com/gdt_stats.fcg?viewid=x&video=%7B%22vt%22%3A%22__VIDEO_TIME__%22%2C%22bt%22%3A%22__BEGIN_TIME__%22%2C%22et%22%3A%22__END_TIME__%22%2C%22bf%22%3A%22__PLAY_FIRST_FRAME__%22%2C%22ef%22%3A%22__PLAY_LAST_FRAME__%22%2C%22pp%22%3A%22__SCENE__%22%2C%22pa%22%3A%22__TYPE__%22%2C%22pb%22%3A%22__BEHAVIOR__%22%2C%22ps%22%3A%22__STATUS__%22%7D";
	const video = (u: string) => JSON.parse(new URL(u).searchParams.get("video") ?? "null");
	const base: VideoViewMacroInput = {
		videoTime: 15,
		beginTime: 0,
		endTime: 5,
		scene: 1,
		type: 1,
		behavior: 1,
		status: 0,
	};

	it("fills the guide example's values (vt 15, bt 0, et 5, bf 1, ef 0, …)", ({ expect }) => {
		// DSP-B guide 视频播放信息上报-请求示例 decodes to exactly this object.
		expect(video(fillVideoViewLink(template, base))).toEqual({
			vt: "15",
			bt: "0",
			et: "5",
			bf: "1",
			ef: "0",
			pp: "1",
			pa: "1",
			pb: "1",
			ps: "0",
		});
	});
	it("derives the last-frame flag and honours overrides", ({ expect }) => {
		expect(video(fillVideoViewLink(template, { ...base, beginTime: 3, endTime: 15 }))).toMatchObject({
			bf: "0",
			ef: "1",
		});
		expect(video(fillVideoViewLink(template, { ...base, playFirstFrame: false }))).toMatchObject({ bf: "0" });
	});
	const bad: Array<[string, Partial<VideoViewMacroInput>, string]> = [
		["end before begin", { beginTime: 6, endTime: 5 }, "__END_TIME__"],
		["end past the total", { endTime: 16 }, "__END_TIME__"],
		["negative begin", { beginTime: -1 }, "__BEGIN_TIME__"],
		["scene 5", { scene: 5 as 1 }, "__SCENE__"],
		["type 0", { type: 0 as 1 }, "__TYPE__"],
		["behavior 3", { behavior: 3 as 1 }, "__BEHAVIOR__"],
		["status 3", { status: 3 as 0 }, "__STATUS__"],
	];
	it.for(bad)("rejects %s naming %s", ([, patch, field], { expect }) => {
		expect(rejects(() => fillVideoViewLink(template, { ...base, ...patch }), field)).toBe(true);
	});
});

describe("win and loss notices", () => {
	let keys: Awaited<ReturnType<typeof generateTestKeys>>;
	let encryptor: AuctionPriceEncryptor;
	beforeAll(async () => {
		keys = await generateTestKeys();
		encryptor = await createAuctionPriceEncryptor(keys.spkiPem);
	});
	const decryptFromUrl = (url: string, name: string) => {
		const value = new URL(url).searchParams.get(name) ?? "";
		const em = rawDecrypt(base64ToBytes(value), keys);
		return new TextDecoder().decode(em.subarray(em.indexOf(0, 2) + 1));
	};

	it("win: __AUCTION_PRICE__ is URL-encoded base64 of the RSA ciphertext", async ({ expect }) => {
		const url = await fillWinNoticeUrl("https://win.gdt.qq.com/w?a=1&price=__AUCTION_PRICE__", {
			priceFen: 1234,
			encryptor,
		});
		expect(findUnfilledMacros(url)).toEqual([]);
		const raw = url.slice(url.indexOf("price=") + 6);
		expect(raw).not.toMatch(/[+/=]/);
		expect(decryptFromUrl(url, "price")).toBe("1234");
	});

	it("loss: reason, seat and the winner's price", async ({ expect }) => {
		const template = "https://loss.gdt.qq.com/l?p=__AUCTION_PRICE__&r=__AUCTION_LOSS__&s=__AUCTION_SEAT_ID__";
		const url = await fillLossNoticeUrl(template, { reason: 1, seatId: 2, priceFen: 900, encryptor });
		expect(new URL(url).searchParams.get("r")).toBe("1");
		expect(new URL(url).searchParams.get("s")).toBe("2");
		expect(decryptFromUrl(url, "p")).toBe("900");
	});

	it.for([1, 2, 101, 10001] as const)(
		"loss reason %i is accepted; absent macros become empty",
		async (reason, { expect }) => {
			const url = await fillLossNoticeUrl(
				"https://l/?p=__AUCTION_PRICE__&r=__AUCTION_LOSS__&s=__AUCTION_SEAT_ID__",
				{ reason },
			);
			expect(url).toBe(`https://l/?p=&r=${reason}&s=`);
		},
	);

	it.for([1, 2, 3, 4] as const)("seat id %i is accepted", async (seatId, { expect }) => {
		expect(await fillLossNoticeUrl("https://l/?s=__AUCTION_SEAT_ID__", { seatId })).toBe(
			`https://l/?s=${seatId}`,
		);
	});

	const bad: Array<[string, () => Promise<string>, string]> = [
		["loss reason 3", () => fillLossNoticeUrl("https://l/", { reason: 3 as 1 }), "__AUCTION_LOSS__"],
		["seat id 5", () => fillLossNoticeUrl("https://l/", { seatId: 5 as 1 }), "__AUCTION_SEAT_ID__"],
		["loss price without key", () => fillLossNoticeUrl("https://l/", { priceFen: 1 }), "encryptor"],
		[
			"negative win price",
			() => fillWinNoticeUrl("https://w/", { priceFen: -1, encryptor }),
			"__AUCTION_PRICE__",
		],
		["no win url", () => fillWinNoticeUrl("", { priceFen: 1, encryptor }), "win_notice_url"],
	];
	it.for(bad)("rejects %s naming %s", async ([, run, field], { expect }) => {
		const e = await run().catch((x: unknown) => x);
		expect(isDspbError(e) && e.field).toBe(field);
	});
});
