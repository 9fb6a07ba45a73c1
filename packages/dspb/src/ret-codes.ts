/**
 * The ad request return codes (`ret`) from docs/dspb/protocol.md "附录 广告请求返回码列表", verbatim, so an
 * `API_ERROR` can say what the server meant.
 * @module
 */

/** `ret` → meaning, as listed in DSP-B guide 附录 广告请求返回码列表. */
export const DSPB_RET_CODES: Readonly<Record<number, string>> = Object.freeze({
	100133: "请求中包含无效的广告位",
	102006: "没有匹配到合适的广告",
	104014: "原始idfa无效",
	104015: "imei无效",
	104017: "android id无效",
	109512: "没有合适的素材规格",
	107001: "请求中操作系统和muid类型都合法但是不匹配",
	107002: "请求中操作系统类型不合法",
	107003: "请求中muid类型不合法",
	107004: "请求中广告位数量不合法",
	107005: "请求中app_id不匹配",
	107006: "请求中安卓的package name或是ios的bundle id不合法",
	107007: "缺少有效的设备标识字段",
	107008: "广告位所属媒体在联盟平台关联的域名为空",
	107009: "广告位所在页面的域名与广告位所属媒体在联盟平台关联的域名不一致",
	107011: "请求中的操作系统类型与广告位在联盟平台的设置不匹配",
	107012: "解析请求中device字段失败",
	107014: "解析请求中network字段失败",
	107015: "解析请求中geo字段失败",
	107016: "解析请求中设备品牌和型号model字段失败",
	107017: "解析请求中设备横竖屏orientation字段失败",
	107018: "解析请求中网络连接类型connect_type字段失败",
	107019: "解析请求中运营商信息carrier字段失败",
	107020: "解析请求中纬度信息lat字段失败",
	107021: "解析请求中经度信息lng字段失败",
	107022: "解析请求中经纬度精度location_accuracy字段失败",
	107023: "解析请求中是否支持大规格插屏广告support_full_screen_interstitial字段失败",
	107024: "解析请求中操作系统os_version字段失败",
	107025: "解析请求中屏幕宽度screen_width字段失败",
	107026: "解析请求中屏幕高度screen_height字段失败",
	107027: "解析请求中pos字段失败",
	107028: "解析请求中media字段失败",
	107029: "请求中缺少合法的广告位宽度或高度",
	107030: "请求中app包名与广告位在联盟平台的设置不匹配",
	107031: "解析请求中设备制造商manufacturer字段失败",
	107032: "解析请求中设备类型device_type字段失败",
	107033: "请求中缺少合法的设备id",
	107034: "错误的sdk接口调用,常见原因比如使用原生广告位id但调用开屏广告位接口",
	107035: "不支持模板视频广告的sdk版本,请升级sdk版本或广告位配置为不展示视频广告",
	107036: "禁止广告展示页面嵌在iframe中",
	107037: "非预期的process_time字段",
	107038: "非预期的trace_id字段",
	107039: "不合法的trace_id",
	107040: "错误的sdk接口调用,常见原因比如使用自渲染2.0广告位id但调用自渲染1.0接口",
	107041: "sdk版本已经废弃,需更新",
	107042: "请求中adx_id不合法",
	107043: "过滤app名称参数错误",
	107044: "请求中oaid无效",
	107045: "请求中aid_ticket无效",
	107046: "请求中taid_ticket无效",
	107047: "sdk的banner插屏1.0已废弃,请通过2.0接入",
	107048: "sdk的原生自渲染1.0已废弃,请通过2.0接入",
	107049: "Js旧准入规则已废弃,请升级准入规则",
	107050: "sdk接口与广告位不匹配。广告位是模板2.0广告位,请调用sdk模板2.0接口请求广告",
	107051: "解析请求中设备启动时间device_start_sec字段失败",
	107052: "解析请求中国家country字段失败",
	107053: "解析请求中语言language字段失败",
	107054: "解析请求中设备名称的MD5值device_name_md5字段失败",
	107055: "解析请求中设备machine值hardware_machine字段失败",
	107056: "解析请求中设备model值hardware_model字段失败",
	107057: "解析请求中物理内存physical_memory_byte字段失败",
	107058: "解析请求中硬盘大小harddisk_size_byte字段失败",
	107059: "解析请求中系统更新时间system_update_sec字段失败",
	107060: "解析请求中时区time_zone字段失败",
	107061: "解析请求network中客户端IP字段失败",
	107062: "解析请求network中客户端UserAgent字段失败",
	107063: "联盟场景标签未开启",
	107064: "SDK聚合请求中广告位组id不存在",
	107065: "SDK请求中app_id不匹配",
	107066: "解析请求中qaid字段失败",
	107067: "解析请求中qaid_version字段失败",
	107068: "解析请求中wx_api_ver字段失败",
	107069: "解析请求中wx_installed字段失败",
	107070: "解析请求中opensdk_ver字段失败",
	107071: "请求中缺少部分参数",
	107072: "广告位CORS域名与广告位所属媒体在联盟平台关联的域名不一致",
	107073: "请求签名校验不通过",
	107074: "请求没有携带签名信息",
	107075: "请求媒体未查询到app secret",
});

/** `ret` 102006: no matching ad (no fill). Not a fault of the request; do not retry (DSP-B guide 响应处理流程). */
export const RET_NO_AD = 102006;

/**
 * The guide's meaning of a `ret` code.
 * @param ret - the `ret` from a response
 * @returns the table's text, "成功" for 0, or undefined for a code the guide does not list
 * @example describeRet(107073) // "请求签名校验不通过"
 */
export function describeRet(ret: number): string | undefined {
	if (ret === 0) return "成功";
	return DSPB_RET_CODES[ret];
}
