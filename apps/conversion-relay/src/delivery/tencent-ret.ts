/**
 * What the conversion endpoint's `ret` codes mean (docs/conversion/form-api.md §6.4) and what the
 * relay does about each.
 * @module
 */

/** The relay's reading of one `ret`. */
export interface RetMeaning {
	/** `retry` for transient errors, `fail` for errors a retry cannot fix. */
	action: "retry" | "fail";
	/** Failure code stored on the conversion, e.g. `TENCENT_RET_-3`. */
	code: string;
	/** The documented meaning, in English with the original. */
	meaning: string;
}

/**
 * Conversion form API §6.4 (转化数据上报接口异常信息). -12 is Tencent failing to fetch the key on its own side
 * ("获取密钥信息异常"), so it is retried; every other listed code is a fault in what we sent or in the
 * advertiser's setup and is final.
 */
export const TENCENT_RET_MEANINGS: Readonly<Record<number, RetMeaning>> = {
	[-3]: {
		action: "fail",
		code: "TENCENT_RET_-3",
		meaning: "decryption or signature check failed (解密失败 或 签名校验不通过)",
	},
	[-4]: { action: "fail", code: "TENCENT_RET_-4", meaning: "wrong path in the URL (URL内path信息填写有误)" },
	[-5]: { action: "fail", code: "TENCENT_RET_-5", meaning: "wrong path in the URL (URL内path信息填写有误)" },
	[-12]: {
		action: "retry",
		code: "TENCENT_RET_-12",
		meaning: "Tencent could not load the key (获取密钥信息异常)",
	},
	[-13]: { action: "fail", code: "TENCENT_RET_-13", meaning: "invalid app_type (app_type参数有误)" },
	[-14]: {
		action: "fail",
		code: "TENCENT_RET_-14",
		meaning: "conv_time missing or not in seconds (conv_time参数缺失，或时间戳不是秒级别)",
	},
	[-15]: { action: "fail", code: "TENCENT_RET_-15", meaning: "invalid muid (moid参数有误)" },
	[-17]: {
		action: "fail",
		code: "TENCENT_RET_-17",
		meaning:
			"no matching conversion rule: wrong advertiser_id, appid or conv_type, or the rule is missing or disabled (获取转化信息失败)",
	},
};

/**
 * Reads a non-zero `ret`.
 * @param ret - the code Tencent answered
 * @returns its meaning; unknown codes are final failures, kept for inspection rather than retried blindly
 * @example describeTencentRet(-12).action // "retry"
 */
export function describeTencentRet(ret: number): RetMeaning {
	return (
		TENCENT_RET_MEANINGS[ret] ?? {
			action: "fail",
			code: `TENCENT_RET_${ret}`,
			meaning: "a ret code docs/conversion/form-api.md §6.4 does not list",
		}
	);
}
