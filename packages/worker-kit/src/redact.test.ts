import { describe, it } from "vitest";
import { REDACTED, redact, registerSecret } from "./redact.ts";

describe("redact", () => {
	it("removes every occurrence of a registered secret", ({ expect }) => {
		registerSecret("redact-test-secret-1");
		expect(redact("a redact-test-secret-1 b redact-test-secret-1")).toBe(`a ${REDACTED} b ${REDACTED}`);
	});

	it("ignores values shorter than 6 characters, null and undefined", ({ expect }) => {
		registerSecret("tiny5");
		registerSecret(null);
		registerSecret(undefined);
		expect(redact("tiny5 stays")).toBe("tiny5 stays");
	});

	it("removes access_token= and access-token= values in any case, up to the next & or space", ({
		expect,
	}) => {
		expect(redact("https://x/add?access_token=abc123&nonce=1")).toBe(
			`https://x/add?access_token=${REDACTED}&nonce=1`,
		);
		expect(redact("GET /x?ACCESS-TOKEN=zz9 HTTP/1.1")).toBe(`GET /x?ACCESS-TOKEN=${REDACTED} HTTP/1.1`);
		expect(redact("no token here")).toBe("no token here");
	});

	it("keeps the registry bounded: once it holds 2000 secrets it starts over", ({ expect }) => {
		for (let i = 0; i < 3000; i++) registerSecret(`bounded-secret-${i}`);
		expect(redact("bounded-secret-0")).toBe("bounded-secret-0");
		expect(redact("bounded-secret-2999")).toBe(REDACTED);
	});
});
