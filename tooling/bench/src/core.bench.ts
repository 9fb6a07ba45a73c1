/**
 * `npm run bench`: the core packages measured side by side with node:crypto in one run.
 * Prints ops/s for ours and the baseline and the ratio ours / baseline.
 * @module
 */
import { createHash, createHmac } from "node:crypto";
import {
	RtaRequest_Device_CacheDeviceIdType as CacheDeviceIdType,
	create,
	decodeRtaRequest,
	encodeRtaRequest,
	encodeRtaResponse,
	RtaRequest_OperatingSystem as OperatingSystem,
	RtaRequestSchema,
	RtaResponseSchema,
} from "@txad/proto";
import { hmacSha256Hex, md5Hex } from "@txad/signing";
import { formatOps, measure } from "./measure.ts";

const BATCH = 1000;

// Ids of every length from 15 (IMEI) to 36 (IDFA/OAID in UUID form).
const ids = Array.from({ length: BATCH }, (_, i) => {
	const length = 15 + (i % 22);
	return `${i.toString(16)}${"0123456789abcdef".repeat(3)}`.slice(0, length);
});

const secret = "LUqGS3BaEbe1O";
// A realistic DSP-B request_param (docs/dspb/protocol.md 请求校验字段 shape), about 400 bytes.
const requestParam =
	'device={"os":"android","os_version":"13","model":"PJD110","manufacturer":"OPPO","device_type":1,"oaid":"f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f","imei_md5":"b496ec1169770ea274a2b4f42ca4fb71"}&media={"app_id":"1104241296","app_bundle_id":"com.example.reader"}&network={"connect_type":1,"carrier":3,"ip":"14.17.22.35","ua":"Mozilla/5.0 (Linux; Android 13)"}&pos={"id":8050018672826551,"ad_count":2}&time_stamp=1700000000123';

const requests = Array.from({ length: 100 }, (_, i) =>
	encodeRtaRequest(
		create(RtaRequestSchema, {
			id: `trace-${i}-${"x".repeat(24)}`,
			device: {
				os: i % 2 ? OperatingSystem.OS_ANDROID : OperatingSystem.OS_IOS,
				idfaMd5sum: i % 2 ? "" : md5Hex(`idfa-${i}`),
				imeiMd5sum: i % 2 ? md5Hex(`imei-${i}`) : "",
				oaidMd5sum: i % 2 ? md5Hex(`oaid-${i}`) : "",
				ip: "14.17.22.35",
				cachedDeviceidType: i % 2 ? CacheDeviceIdType.IMEI_MD5 : CacheDeviceIdType.IDFA_MD5,
				qaidInfos: i % 3 ? [] : [{ version: 1, qaid: md5Hex(`caid-${i}`) }],
			},
			exps: [{ expId: 1000 + (i % 7) }, { expId: 2000 + (i % 5) }],
			unifiedRequestId: `u-${i}`,
		}),
	),
);
const response = create(RtaResponseSchema, {
	requestId: "trace",
	code: 0,
	outTargetId: ["s1"],
	responseCacheTime: 3600,
});

const pairs = [
	{
		title: `md5 hex of 15–36 char ids (batch ${BATCH})`,
		ours: () => {
			for (const id of ids) md5Hex(id);
		},
		base: () => {
			for (const id of ids) createHash("md5").update(id).digest("hex");
		},
		batch: BATCH,
		baseName: "node:crypto createHash",
	},
	{
		title: "HMAC-SHA256 hex of a DSP-B request_param (batch 100)",
		ours: async () => {
			for (let i = 0; i < 100; i++) await hmacSha256Hex(secret, requestParam);
		},
		base: () => {
			for (let i = 0; i < 100; i++) createHmac("sha256", secret).update(requestParam).digest("hex");
		},
		batch: 100,
		baseName: "node:crypto createHmac",
	},
];

console.log(`txad-edge core benchmarks — Node ${process.version}, ${new Date().toISOString()}\n`);
console.log("| operation | ours ops/s | baseline | baseline ops/s | ours / baseline |");
console.log("|---|---:|---|---:|---:|");
for (const p of pairs) {
	const [ours = 0, base = 0] = await measure([
		{ name: "ours", batch: p.batch, run: p.ours },
		{ name: "base", batch: p.batch, run: p.base },
	]);
	console.log(
		`| ${p.title} | ${formatOps(ours)} | ${p.baseName} | ${formatOps(base)} | ${(ours / base).toFixed(2)}× |`,
	);
}

const bytes = requests.reduce((n, r) => n + r.length, 0) / requests.length;
const [roundTrip = 0, decodeOnly = 0] = await measure([
	{
		name: "decode+encode",
		batch: requests.length,
		run: () => {
			for (const r of requests) {
				decodeRtaRequest(r);
				encodeRtaResponse(response);
			}
		},
	},
	{
		name: "decode",
		batch: requests.length,
		run: () => {
			for (const r of requests) decodeRtaRequest(r);
		},
	},
]);
console.log(
	`| RtaRequest decode + RtaResponse encode (${Math.round(bytes)} B requests, protobuf-es) | ${formatOps(roundTrip)} | decode only | ${formatOps(decodeOnly)} | ${(roundTrip / decodeOnly).toFixed(2)}× |`,
);
