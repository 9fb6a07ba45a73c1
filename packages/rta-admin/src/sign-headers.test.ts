/**
 * The RTA_SIGN_HEADERS secret built from sign/get.
 * @module
 */
import { describe, it } from "vitest";
import { createRtaAdminClient } from "./client.ts";
import { buildSignHeadersSecret, fetchSignHeadersSecret } from "./sign-headers.ts";

describe("buildSignHeadersSecret", () => {
	it("lower-cases and sorts names and keeps values byte for byte", ({ expect }) => {
		const { headers, secret } = buildSignHeadersSecret([
			{ key: "X-Rta-Token", value: "Ab=1 2" },
			{ key: "x-a", value: "z" },
		]);
		expect(headers).toEqual({ "x-a": "z", "x-rta-token": "Ab=1 2" });
		expect(secret).toBe('{"x-a":"z","x-rta-token":"Ab=1 2"}');
	});

	it("turns an empty set (signature disabled) into {}", ({ expect }) => {
		expect(buildSignHeadersSecret([]).secret).toBe("{}");
	});

	it.for([
		[[{ key: "bad key", value: "v" }], "sign_get[0].key"],
		[[{ key: "Host", value: "v" }], "sign_get[0].key"],
		[
			[
				{ key: "x-a", value: "1" },
				{ key: "X-A", value: "2" },
			],
			"sign_get[1].key",
		],
		[[{ key: "x-a", value: " padded" }], "sign_get[0].value"],
		[[{ key: "x-a", value: "caf\u00e9" }], "sign_get[0].value"],
	] as const)("rejects %j", ([signs, field], { expect }) => {
		expect(() => buildSignHeadersSecret(signs)).toThrow(
			expect.objectContaining({ code: "INVALID_ARGUMENT", field }),
		);
	});
});

describe("fetchSignHeadersSecret", () => {
	it("calls sign/get and returns the secret with the task id", async ({ expect }) => {
		const client = createRtaAdminClient({
			baseUrl: "https://api.test",
			dspid: "1",
			token: "t",
			fetch: async () =>
				Response.json({ code: 0, taskid: "task-1", data: { sign_get: [{ key: "X-Sig", value: "s3cret" }] } }),
		});
		expect(await fetchSignHeadersSecret(client)).toEqual({
			headers: { "x-sig": "s3cret" },
			secret: '{"x-sig":"s3cret"}',
			taskid: "task-1",
		});
	});
});
