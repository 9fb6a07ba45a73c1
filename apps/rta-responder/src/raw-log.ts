/**
 * The raw request log (docs/rta/http-behaviour.md "Raw request logs"): Tencent keeps no copy of
 * what it sent or received, so troubleshooting with it starts from ours. One JSON line per logged
 * request (format: `@txad/proto` `rtaRawLogFields`, read back by `txad rta decode`): the request id,
 * both bodies in base64, the code, the strategies and the time taken.
 *
 * Which requests: a share (`RAW_LOG_SAMPLE_RATE`), and always `is_test` requests (Tencent's debug
 * tool), undecodable bodies (code 1), deadline refusals (code 5) and internal errors (code 7), and
 * every second-stage request when `RAW_LOG_ADLIST` is true.
 * @module
 */
import { RTA_RAW_LOG_EVENT, type RtaRequestView, rtaRawLogFields } from "@txad/proto";
import { log } from "@txad/worker-kit";
import { secondStageAds } from "./answer.ts";
import { RtaCode } from "./codes.ts";
import type { Outcome } from "./decide/outcome.ts";
import type { Settings } from "./settings.ts";

const ALWAYS_LOGGED: ReadonlySet<number> = new Set([RtaCode.UNDECODABLE, RtaCode.DEADLINE, RtaCode.INTERNAL]);

/**
 * Whether a request's raw bodies are logged.
 * @param settings - RAW_LOG_SAMPLE_RATE, RAW_LOG_ADLIST
 * @param req - the request as read (undefined: undecodable)
 * @param outcome - its answer
 * @param random - a number in [0, 1) for the sample
 * @returns whether to call {@link logRaw}
 */
export function shouldLogRaw(
	settings: Pick<Settings, "rawLogSampleRate" | "rawLogAdlist">,
	req: RtaRequestView | undefined,
	outcome: Outcome,
	random: number = Math.random(),
): boolean {
	if (ALWAYS_LOGGED.has(outcome.code)) return true;
	if (req?.isTest === true) return true;
	if (settings.rawLogAdlist && req !== undefined && secondStageAds(req) !== undefined) return true;
	return settings.rawLogSampleRate > 0 && random < settings.rawLogSampleRate;
}

/**
 * Writes the raw log line of one request.
 * @param body - the request body as received
 * @param answer - the response body as sent
 * @param req - the request as read (undefined: undecodable)
 * @param outcome - the answer
 * @param start - epoch ms the request arrived
 * @param waited - whether the answer waited for storage
 */
export function logRaw(
	body: Uint8Array,
	answer: Uint8Array,
	req: RtaRequestView | undefined,
	outcome: Outcome,
	start: number,
	waited: boolean,
): void {
	const fields = rtaRawLogFields(body, answer, {
		id: req?.id ?? "",
		code: outcome.code,
		reason: outcome.reason,
		strategies: outcome.selected.map((s) => s.id),
		is_test: req?.isTest ?? false,
		second_stage: req !== undefined && secondStageAds(req) !== undefined,
		ms: Date.now() - start,
		waited_for_storage: waited,
	});
	log("info", RTA_RAW_LOG_EVENT, { ...fields });
}
