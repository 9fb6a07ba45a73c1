import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";
import { jsonErrorLine, RESPONDER_VARS } from "./admission.ts";

const EXAMPLE = new URL("../../examples/admission-form.yaml", import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-form-"));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function check(name: string, text: string, json = true) {
	await writeFile(join(dir, name), text);
	const io = captureIo({ cwd: dir });
	const code = await main(["admission", "check", name, ...(json ? ["--json"] : [])], io);
	return { code, io };
}

describe("txad admission check", () => {
	it("passes the sample form and prints the responder's vars", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["admission", "check", EXAMPLE], io)).toBe(0);
		expect(io.stdout()).toContain("VALID: 0 error(s)");
		expect(io.stdout()).toContain(`"${RESPONDER_VARS.platformCacheTime}": "3600"`);
		expect(io.stdout()).toContain(`"${RESPONDER_VARS.interactionMode}": "device_id"`);
	});

	it("reads JSON with Chinese labels and derives openid settings", async ({ expect }) => {
		const form = {
			RTA全称: "腾讯科技(深圳)有限公司",
			RTA简称: "腾讯",
			流量范围: "微信",
			缓存时间: "2h",
			QPS限制: "20W",
			交互方式: "openid",
			appid: "wx0102030405060708",
			BidURL: "https://rta.example.com/rta",
			使用场景: "ROI",
			"近期消耗量级/天": "30万",
			预估开通RTA后提收金额: "5W",
			主体名称列表: ["腾讯科技(深圳)有限公司"],
			方法论: "分层",
			考核规则签署: "已知晓RTA准入门槛及清退机制，并严格遵守。AMS运营接口人甲，客户代表乙",
		};
		const { code, io } = await check("form.json", JSON.stringify(form, null, 2));
		expect(code).toBe(0);
		const out = JSON.parse(io.stdout());
		expect(out.wrangler_vars).toEqual({
			[RESPONDER_VARS.platformCacheTime]: "7200",
			[RESPONDER_VARS.interactionMode]: "openid",
			[RESPONDER_VARS.openidAppid]: "wx0102030405060708",
		});
	});

	it("fails an invalid form with exit 1, naming fields and lines", async ({ expect }) => {
		const text = readFileSync(EXAMPLE, "utf8")
			.replace("cache_time: 1小时", "cache_time: 30小时")
			.replace("interaction_mode: 设备号", "interaction_mode: openid");
		const { code, io } = await check("bad.yaml", text, false);
		expect(code).toBe(1);
		const cacheLine = text.split("\n").findIndex((l) => l.startsWith("cache_time")) + 1;
		expect(io.stdout()).toContain(`bad.yaml:${cacheLine}  cache_time (缓存时间): must be from 1 h to 24 h`);
		expect(io.stdout()).toMatch(/appid: is required when interaction_mode is openid/);
		expect(io.stdout()).toContain("INVALID");
		expect(io.stdout()).not.toContain("wrangler settings");
	});

	it("reports YAML syntax errors with the line (exit 2)", async ({ expect }) => {
		const { code, io } = await check("broken.yaml", "rta_full_name: a\ncache_time: [1h\n", false);
		expect(code).toBe(2);
		expect(io.stderr()).toMatch(/broken\.yaml:\d+: not valid YAML/);
	});

	it("reports broken JSON with file:line (exit 2)", async ({ expect }) => {
		const trailing = await check(
			"trailing.json",
			'{\n  "rta_full_name": "x",\n  "qps_limit": "20W",\n}\n',
			false,
		);
		expect(trailing.code).toBe(2);
		expect(trailing.io.stderr()).toMatch(/trailing\.json:4: not valid JSON: /);
		const cut = await check("cut.json", '{\n  "rta_full_name": "x",\n  "qps_limit": "20W"', false);
		expect(cut.io.stderr()).toMatch(/cut\.json:3: not valid JSON: /);
		const twice = await check("twice.json", '{\n  "rta_full_name": "x",\n  "rta_full_name": "y"\n}\n', false);
		expect(twice.code).toBe(2);
		expect(twice.io.stderr()).toMatch(/twice\.json:3: not valid JSON: Map keys must be unique/);
	});

	it.for([
		["Expected double-quoted property name in JSON at position 40 (line 4 column 1)", 4],
		["Unexpected token '}', \"…\" is not valid JSON at position 11", 2],
		["Unexpected end of JSON input", 3],
		["something else", undefined],
	] as const)("locates %j", ([message, line], { expect }) => {
		expect(jsonErrorLine('{\n "a": 1,}\n "b"\n', message)).toBe(line);
	});

	it("gives file:line for a bad field in a JSON form (exit 1)", async ({ expect }) => {
		const { code, io } = await check(
			"f.json",
			'{\n  "rta_full_name": "x",\n  "cache_time": "30h"\n}\n',
			false,
		);
		expect(code).toBe(1);
		expect(io.stdout()).toContain("f.json:3  cache_time (缓存时间): must be from 1 h to 24 h");
	});

	it("reports unreadable files (exit 2)", async ({ expect }) => {
		expect((await check("broken.json", "{ nope", false)).code).toBe(2);
		const io = captureIo({ cwd: dir });
		expect(await main(["admission", "check", "missing.yaml"], io)).toBe(2);
		expect(io.stderr()).toMatch(/cannot read missing\.yaml/);
	});

	it("matches the var names in apps/rta-responder/wrangler.jsonc when it exists", ({ expect, skip }) => {
		let config: string;
		try {
			config = readFileSync(
				new URL("../../../../apps/rta-responder/wrangler.jsonc", import.meta.url),
				"utf8",
			);
		} catch {
			skip("apps/rta-responder/wrangler.jsonc not written yet");
			return;
		}
		for (const name of Object.values(RESPONDER_VARS)) expect(config).toContain(`"${name}"`);
	});
});
