import * as kit from "@txad/worker-kit";
import { describe, it } from "vitest";
import * as moved from "./index.ts";

describe("@txad/http-error", () => {
	it("is the worker-kit error, not a copy, so an error from either passes either guard", ({ expect }) => {
		expect(moved.JsonHttpError).toBe(kit.JsonHttpError);
		expect(moved.isJsonHttpErrorNamed).toBe(kit.isJsonHttpErrorNamed);
		expect(moved.renderThrown).toBe(kit.renderThrown);
		expect(Object.keys(moved).sort()).toEqual(["JsonHttpError", "isJsonHttpErrorNamed", "renderThrown"]);
	});
});
