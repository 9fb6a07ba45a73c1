import { describe, it } from "vitest";
import { convertSettingsError, isSettingsError, SettingsError } from "./settings-error.ts";

describe("SettingsError", () => {
	it("names the field first in the message and defaults to INVALID_VALUE", ({ expect }) => {
		const e = new SettingsError("APP_KEYS.demo", "secret must be at least 16 characters");
		expect(e).toMatchObject({
			name: "SettingsError",
			code: "INVALID_VALUE",
			field: "APP_KEYS.demo",
			problem: "secret must be at least 16 characters",
			message: "APP_KEYS.demo secret must be at least 16 characters",
		});
		expect(new SettingsError("X", "is not set", { code: "NOT_SET" }).code).toBe("NOT_SET");
		const cause = new SyntaxError("bad");
		expect(new SettingsError("X", "is not valid JSON", { cause }).cause).toBe(cause);
	});
});

describe("isSettingsError", () => {
	it("is true for a SettingsError", ({ expect }) => {
		expect(isSettingsError(new SettingsError("X", "is not set", { code: "NOT_SET" }))).toBe(true);
	});

	it("is false for null, a plain Error and a look-alike without the code or field", ({ expect }) => {
		expect(isSettingsError(null)).toBe(false);
		expect(isSettingsError(undefined)).toBe(false);
		expect(isSettingsError(new Error("X is not set"))).toBe(false);
		expect(isSettingsError({ name: "SettingsError", code: "NOT_SET", field: "X" })).toBe(false);
		const noField = Object.assign(new Error("m"), { name: "SettingsError", code: "NOT_SET" });
		expect(isSettingsError(noField)).toBe(false);
		const otherCode = Object.assign(new Error("m"), { name: "SettingsError", code: "OTHER", field: "X" });
		expect(isSettingsError(otherCode)).toBe(false);
	});
});

describe("convertSettingsError", () => {
	class AppError extends Error {
		override name = "AppError";
	}
	const toApp = (e: SettingsError) => new AppError(`${e.code}: ${e.message}`);

	it("returns what the parse returns", ({ expect }) => {
		expect(convertSettingsError(() => 7, toApp)).toBe(7);
	});

	it("turns a SettingsError into the app's error", ({ expect }) => {
		expect(() =>
			convertSettingsError(() => {
				throw new SettingsError("X", "is not set", { code: "NOT_SET" });
			}, toApp),
		).toThrow(new AppError("NOT_SET: X is not set"));
	});

	it("lets any other error through unchanged", ({ expect }) => {
		const other = new TypeError("bug");
		let thrown: unknown;
		try {
			convertSettingsError(() => {
				throw other;
			}, toApp);
		} catch (e) {
			thrown = e;
		}
		expect(thrown).toBe(other);
	});
});
