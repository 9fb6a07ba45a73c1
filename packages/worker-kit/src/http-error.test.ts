import { describe, it, vi } from "vitest";
import { isJsonHttpErrorNamed, JsonHttpError, renderThrown } from "./http-error.ts";

class DemoError extends JsonHttpError<"INVALID_FIELD" | "UNAUTHORIZED" | "INTERNAL"> {
	override name = "DemoError" as const;
}
const isDemoError = (e: unknown): e is DemoError => isJsonHttpErrorNamed(e, "DemoError");

describe("JsonHttpError", () => {
	it("renders status, code, field, message and details as JSON", async ({ expect }) => {
		const res = new DemoError(400, "INVALID_FIELD", "bad x", {
			field: "x",
			details: { errors: [1] },
		}).toResponse();
		expect(res.status).toBe(400);
		expect(res.headers.get("content-type")).toContain("application/json");
		expect(await res.json()).toEqual({
			error: { code: "INVALID_FIELD", field: "x", message: "bad x", errors: [1] },
		});
	});

	it("sends field null when there is none, and asks for Bearer on 401", async ({ expect }) => {
		const res = new DemoError(401, "UNAUTHORIZED", "token").toResponse();
		expect(res.headers.get("www-authenticate")).toBe("Bearer");
		expect(((await res.json()) as { error: { field: unknown } }).error.field).toBeNull();
	});

	it("guards by name, so another app's error is not mistaken for ours", ({ expect }) => {
		expect(isDemoError(new DemoError(400, "INVALID_FIELD", "m"))).toBe(true);
		expect(isDemoError(new JsonHttpError(400, "INVALID_FIELD", "m"))).toBe(false);
		expect(isDemoError(new Error("m"))).toBe(false);
	});
});

describe("renderThrown", () => {
	const internal = () => new DemoError(500, "INTERNAL", "internal error");

	it("renders the app's own errors as they are", ({ expect }) => {
		expect(renderThrown(new DemoError(404, "INVALID_FIELD", "m"), isDemoError, internal).status).toBe(404);
	});

	it("turns anything else into an opaque 500 and logs the detail", async ({ expect }) => {
		const log = vi.spyOn(console, "error").mockImplementation(() => {});
		const res = renderThrown(new Error("secret detail"), isDemoError, internal);
		expect(res.status).toBe(500);
		expect(JSON.stringify(await res.json())).not.toContain("secret detail");
		expect(String(log.mock.calls[0]?.[0])).toContain("secret detail");
		log.mockRestore();
	});
});
