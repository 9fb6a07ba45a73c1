import { create } from "@bufbuild/protobuf";
import { describe, it } from "vitest";
import { isProtoError } from "./errors.ts";
import { BindType, RequestSchema, ResponseSchema } from "./gen/rtaextproto/rtaext_pb.ts";
import { fromManagementJson, toManagementJson } from "./management-json.ts";

describe("management API JSON", () => {
	it("writes snake_case proto field names", ({ expect }) => {
		const request = create(RequestSchema, {
			auth: { dspid: "123", token: "token_sample" },
			data: {
				targetGet: { pageNum: 1, pageSize: 20 },
				bindSet: [{ bindId: 42n, bindType: BindType.AdgroupId, targetId: "t1" }],
			},
		});
		const json = toManagementJson(RequestSchema, request) as Record<string, unknown>;
		expect(json.auth).toEqual({ dspid: "123", token: "token_sample" });
		const data = json.data as Record<string, unknown>;
		expect(data.target_get).toEqual({ page_num: 1, page_size: 20, get_all: false });
		expect(data.bind_set).toEqual([
			{
				bind_id: "42",
				bind_type: "AdgroupId",
				target_id: "t1",
				account_id: "0",
				bind_source: "DefaultBindSourceType",
			},
		]);
	});

	it("reads the documented response envelope, ignoring unknown fields such as status", ({ expect }) => {
		const response = fromManagementJson(ResponseSchema, {
			code: -1,
			status: "partial",
			msg: "1 failed",
			taskid: "0b7f6a1e-1d1c-4c55-9b2a-5f0e2f0a9c11",
			sandbox: false,
			data: {
				bind_set: {
					success_num: 1,
					error_num: 1,
					errors: [{ bind_id: 7, bind_type: 1, reason: "no target" }],
				},
			},
		});
		expect(response.code).toBe(-1);
		expect(response.taskid).toBe("0b7f6a1e-1d1c-4c55-9b2a-5f0e2f0a9c11");
		expect(response.data?.bindSet?.errorNum).toBe(1);
		expect(response.data?.bindSet?.errors[0]?.bindId).toBe(7n);
	});

	it("also accepts task_id, the schema's own spelling", ({ expect }) => {
		expect(fromManagementJson(ResponseSchema, { task_id: "abc" }).taskid).toBe("abc");
	});

	it("throws JSON_INVALID naming the type for a wrongly typed known field", ({ expect }) => {
		let caught: unknown;
		try {
			fromManagementJson(ResponseSchema, { code: "zero" });
		} catch (e) {
			caught = e;
		}
		expect(isProtoError(caught) && caught.code).toBe("JSON_INVALID");
		expect(isProtoError(caught) && caught.typeName).toBe("rtaextproto.Response");
	});

	it("throws JSON_INVALID for input that is not JSON data (it takes `unknown`, e.g. `await res.json()`)", ({
		expect,
	}) => {
		for (const input of [undefined, "text", 42, [1]]) {
			let caught: unknown;
			try {
				fromManagementJson(ResponseSchema, input);
			} catch (e) {
				caught = e;
			}
			expect(isProtoError(caught) && caught.code).toBe("JSON_INVALID");
		}
	});
});
