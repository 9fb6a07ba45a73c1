import { describe, it } from "vitest";
import { GatewayError, invalidField, isGatewayError } from "../src/errors.ts";

describe("isGatewayError", () => {
	it("is true for its own errors", ({ expect }) => {
		expect(isGatewayError(new GatewayError(504, "UPSTREAM_TIMEOUT", "m"))).toBe(true);
		expect(isGatewayError(invalidField("device.os", "m"))).toBe(true);
	});

	it.for([
		["null", null],
		["undefined", undefined],
		["a plain Error", new Error("m")],
		["a lookalike object", { name: "GatewayError", code: "INVALID_FIELD", toResponse: () => new Response() }],
		[
			"an Error named GatewayError without toResponse",
			Object.assign(new Error("m"), { name: "GatewayError", code: "X" }),
		],
		[
			"another app's JSON error",
			Object.assign(new Error("m"), { name: "ResponderError", code: "X", toResponse() {} }),
		],
	] as const)("is false for %s", ([, value], { expect }) => {
		expect(isGatewayError(value)).toBe(false);
	});

	it("renders field and details", async ({ expect }) => {
		const res = invalidField("placement.id", "bad", { issues: [1] }).toResponse();
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({
			error: { code: "INVALID_FIELD", field: "placement.id", message: "bad", issues: [1] },
		});
	});
});
