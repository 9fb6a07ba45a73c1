/**
 * The API's JSON text: exact int64 in both directions, enums as integers, names as in
 * docs/rta/management-api.md.
 * @module
 */
import { BindSchema, BindType, create, fromManagementJson, RequestSchema, ResponseSchema } from "@txad/proto";
import { describe, it } from "vitest";
import { encodeApiJson, parseApiJson, stringifyApiJson } from "./api-json.ts";

describe("encodeApiJson", () => {
	it("writes int64 digit for digit and enums as integers", ({ expect }) => {
		const bind = create(BindSchema, {
			bindId: 9223372036854775807n,
			bindType: BindType.SkuId,
			targetId: "t",
			accountId: -9007199254740993n,
		});
		expect(encodeApiJson(BindSchema, bind)).toBe(
			'{"bind_id":9223372036854775807,"bind_type":5,"target_id":"t","account_id":-9007199254740993,"bind_source":0}',
		);
	});

	it("uses the API's snake_case names and keeps zero values", ({ expect }) => {
		const text = encodeApiJson(
			RequestSchema,
			create(RequestSchema, { auth: { dspid: "1", token: "t" }, data: { targetGet: { pageNum: 1 } } }),
		);
		const json = JSON.parse(text) as { data: Record<string, unknown> };
		expect(json.data.target_get).toEqual({ page_num: 1, page_size: 0, get_all: false });
		expect(json.data.sign_set).toEqual([]);
	});

	it("escapes strings exactly like JSON.stringify", ({ expect }) => {
		const value = { target_id: 'a"b\\c\u2028\n', bind_id: "1" };
		expect(stringifyApiJson(BindSchema, value)).toBe(
			`{"target_id":${JSON.stringify(value.target_id)},"bind_id":1}`,
		);
	});

	it("leaves fields the schema does not know as they are", ({ expect }) => {
		expect(stringifyApiJson(BindSchema, { extra: "12", nested: { bind_id: "3" } })).toBe(
			'{"extra":"12","nested":{"bind_id":"3"}}',
		);
	});
});

describe("parseApiJson", () => {
	it("keeps int64 numbers beyond 2^53 exact", ({ expect }) => {
		const text =
			'{"code":-1,"taskid":"x","data":{"bind_set":{"errors":[{"bind_id": 9223372036854775807 ,"bind_type":1,"reason":"no"}]}}}';
		const msg = fromManagementJson(ResponseSchema, parseApiJson(ResponseSchema, text));
		expect(msg.data?.bindSet?.errors[0]?.bindId).toBe(9223372036854775807n);
	});

	it("reads ids written as strings and enum names too", ({ expect }) => {
		const text =
			'{"code":0,"data":{"bind_get":{"binds":[{"bind_id":"12","bind_type":"AccountId","account_id":"34"}]}}}';
		const bind = fromManagementJson(ResponseSchema, parseApiJson(ResponseSchema, text)).data?.bindGet
			?.binds[0];
		expect([bind?.bindId, bind?.bindType, bind?.accountId]).toEqual([12n, BindType.AccountId, 34n]);
	});

	it("never rewrites text inside string values", ({ expect }) => {
		const reason = 'bad "bind_id": 123, retry';
		const text = JSON.stringify({ code: 1, msg: reason, data: {} });
		expect(parseApiJson(ResponseSchema, text)).toEqual({ code: 1, msg: reason, data: {} });
	});

	it("tolerates a UTF-8 BOM and rejects non-JSON", ({ expect }) => {
		expect(parseApiJson(ResponseSchema, '\uFEFF{"code":0}')).toEqual({ code: 0 });
		expect(() => parseApiJson(ResponseSchema, "<html>")).toThrow(SyntaxError);
	});
});
