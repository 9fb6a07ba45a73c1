/**
 * Sends one real protobuf RtaRequest to the responder and prints the decoded answer.
 *
 *   npx tsx scripts/send-request.ts                       # the demo IMEI (seeded: new_user)
 *   npx tsx scripts/send-request.ts --idfa 1E2DFA89-496A-47FD-9941-DF1FC4E6484A --exp 1002
 *   npx tsx scripts/send-request.ts --hash oaid_md5:<md5> --header "X-Rta-Token: dev-rta-token"
 *   npx tsx scripts/send-request.ts --ping --url http://127.0.0.1:8787/rta
 *   npx tsx scripts/send-request.ts --adlist 1001,1002      # second stage: prices these ad groups
 * @module
 */
import { parseArgs } from "node:util";
import { toJson } from "@bufbuild/protobuf";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	decodeRtaResponse,
	encodeRtaRequest,
	OperatingSystem,
	RequestType,
	RtaRequestSchema,
	RtaResponseSchema,
} from "@txad/proto";

const { values } = parseArgs({
	options: {
		url: { type: "string", default: "http://127.0.0.1:8787/rta" },
		imei: { type: "string" },
		idfa: { type: "string" },
		oaid: { type: "string" },
		hash: { type: "string" },
		openid: { type: "string" },
		appid: { type: "string", default: "wx0102030405060708" },
		exp: { type: "string", multiple: true, default: [] },
		header: { type: "string", multiple: true, default: [] },
		ping: { type: "boolean", default: false },
		test: { type: "boolean", default: false },
		adlist: { type: "string" },
		advertiser: { type: "string", default: "20001" },
		target: { type: "string", default: "st_new_user" },
	},
});

const device: Record<string, unknown> = {};
if (values.idfa !== undefined) {
	device.os = OperatingSystem.OS_IOS;
	device.idfaMd5sum = hashDeviceId("idfa", values.idfa);
	device.cachedDeviceidType = CacheDeviceIdType.IDFA_MD5;
} else if (values.oaid !== undefined) {
	device.os = OperatingSystem.OS_ANDROID;
	device.oaidMd5sum = hashDeviceId("oaid", values.oaid);
	device.cachedDeviceidType = CacheDeviceIdType.OAID_MD5;
} else if (values.hash !== undefined) {
	const [type, hash] = values.hash.split(":");
	const field = {
		idfa_md5: "idfaMd5sum",
		imei_md5: "imeiMd5sum",
		oaid_md5: "oaidMd5sum",
		android_id_md5: "androidIdMd5sum",
		mac_md5: "macMd5sum",
	}[type ?? ""];
	if (field === undefined || hash === undefined)
		throw new Error("--hash takes <id type>:<md5>, e.g. imei_md5:b496…");
	device[field] = hash;
} else if (values.openid !== undefined) {
	device.wxOpenid = [{ appid: values.appid, openid: values.openid }];
} else {
	device.os = OperatingSystem.OS_ANDROID;
	device.imeiMd5sum = hashDeviceId("imei", values.imei ?? "354649050046412");
	device.cachedDeviceidType = CacheDeviceIdType.IMEI_MD5;
}

// --adlist: a second-stage (ADLIST) request listing these ad groups, each with one creative
// (docs/rta/advanced-features.md "What the request carries").
const adgroups = values.adlist === undefined ? [] : values.adlist.split(",").map((id) => BigInt(id.trim()));
const request = create(RtaRequestSchema, {
	id: `demo-${Date.now()}`,
	isPing: values.ping,
	isTest: values.test,
	device,
	exps: values.exp.map((e) => ({ expId: Number(e) })),
	...(values.adlist === undefined
		? {}
		: {
				requestInfo: { requestType: RequestType.ADLIST_REQUEST },
				adInfos: adgroups.map((adgroupId) => ({
					adgroupId,
					advertiserId: Number(values.advertiser),
					outTargetId: values.target,
					creativeInfos: [{ creativeId: adgroupId * 10n + 1n, crtTemplateId: 711 }],
				})),
			}),
});
const headers: Record<string, string> = { "content-type": "application/x-protobuf" };
for (const h of values.header) {
	const i = h.indexOf(":");
	if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
}

const started = performance.now();
const res = await fetch(values.url, { method: "POST", headers, body: encodeRtaRequest(request) });
const bytes = new Uint8Array(await res.arrayBuffer());
const ms = (performance.now() - started).toFixed(1);
console.log(`request ${JSON.stringify(toJson(RtaRequestSchema, request, { useProtoFieldName: true }))}`);
if (res.status !== 200) {
	console.log(`HTTP ${res.status} in ${ms} ms (${bytes.length} bytes)`);
	process.exit(1);
}
const answer = decodeRtaResponse(bytes);
console.log(`HTTP 200 in ${ms} ms, ${bytes.length} bytes:`);
console.log(JSON.stringify(toJson(RtaResponseSchema, answer, { useProtoFieldName: true }), null, 2));
