/**
 * Verbatim material from Tencent's 腾讯优量汇 DSP-B 接口合作接入文档 V3.20 (summarised in
 * docs/dspb/protocol.md), used as golden data.
 * @module
 */

/** 广告请求接口-请求示例: "android设备原生广告位请求" (note the stray space after `%3A` in pos). */
export const SEED_ANDROID_REQUEST_URL =
	"http://mi.gdt.qq.com/api/v3?api_version=3.0&pos=%7B%22id%22%3A 8050018672826551%2C%22ad_count%22%3A2%7D&media=%7B%22app_id%22%3A%221104241296%22%2C%22app_bundle_id%22%3A%22com.test.android%22%7D&device=%7B%22os%22%3A%22android%22%2C%22os_version%22%3A%226.0.1%22%2C%22model%22%3A%22MI%204LTE%22%2C%22manufacturer%22%3A%22Xiaomi%22%2C%22device_type%22%3A1%2C%22screen_width%22%3A360%2C%22screen_height%22%3A640%2C%22orientation%22%3A0%2C%22imei%22%3A%22123456789009876%22%2C%22android_id%22%3A%229774d56d682e549c%22%2C%22android_ad_id%22%3A%22d725f723-86ea-466a-883d-5be2ca568241%22%7D&network=%7B%22connect_type%22%3A1%2C%22carrier%22%3A3%7D&geo=%7B%22lat%22%3A39925625%2C%22lng%22%3A116333285%2C%22coord_time%22%3A1473416991123%7D";

/** 广告请求接口-请求示例: "ios设备激励视频广告位请求(横屏状态)". */
export const SEED_IOS_REWARDED_REQUEST_URL =
	"http://mi.gdt.qq.com/api/v3?api_version=3.0&pos={%22id%22:7010037942894023,%22ad_count%22:1}&media={%22app_id%22:%221104238667%22,%22app_bundle_id%22:%22com.test.ios%22}&device={%22os%22:%22ios%22,%22os_version%22:%2210.1.1%22,%22model%22:%22iPhone%205s%22,%22device_type%22:1,%22orientation%22:90,%22idfa%22:%22008A39D4-CF91-40F8-ADF0-E119F206AE6E%22}&network={%22connect_type%22:1,%22carrier%22:3}&geo={%22lat%22:39925625,%22lng%22:116333285,%22coord_time%22:1473416991123}";

/** Both examples send this header. */
export const SEED_X_FORWARDED_FOR = "14.17.22.35";

/** 广告请求接口-响应示例: "原生图文广告" (pos 8050018672826551, one web ad and one download ad). */
export const SEED_NATIVE_RESPONSE =
	'{\n"ret":0,\n"msg":"",\n"data":{\n"8050018672826551":{\n"list":[\n{\n"impression_link":"http://v.gdt.qq.com/gdt_stats.fcg?viewid=bSVdor67lmXY5!eoxbZOOOOb_CQu1rpTvJWGM8AVi0E3iy!2VnzgHLzz_dIL6pq5Fi8LxPtJYIBFM2jYvVXbDGMGQrr63raQ_9tzhiFUUlAjs1Bg_LUzJYNcxaOA!5MG!MwjlLYc!2CUmeGx6oWfp!BidFhL1ZzybbRTGcbUT1LynM1imRxQGexJkjBDHquCv7szfLd_ThR0S1cAqtlAIQ&i=1&os=2&datatype=json",\n"click_link":"http://c.gdt.qq.com/gdt_mclick.fcg?viewid=bSVdor67lmXY5!eoxbZOOOOb_CQu1rpTvJWGM8AVi0E3iy!2VnzgHLzz_dIL6pq5Fi8LxPtJYIBFM2jYvVXbDGMGQrr63raQ_9tzhiFUUlAjs1Bg_LUzJYNcxaOA!5MG!MwjlLYc!2CUmeGx6oWfp!BidFhL1ZzybbRTGcbUT1LynM1imRxQGexJkjBDHquCv7szfLd_ThR0S1cAqtlAIQ&jtype=0&i=1&os=2&asi=%7B%22mf%22%3A%22Xiaomi%22%7D&acttype=0&s=%7B%22req_width%22%3A%22__REQ_WIDTH__%22%2C%22req_height%22%3A%22__REQ_HEIGHT__%22%2C%22width%22%3A%22__WIDTH__%22%2C%22height%22%3A%22__HEIGHT__%22%2C%22down_x%22%3A%22__DOWN_X__%22%2C%22down_y%22%3A%22__DOWN_Y__%22%2C%22up_x%22%3A%22__UP_X__%22%2C%22up_y%22%3A%22__UP_Y__%22%7D",\n"interact_type":0,\n"crt_type":11,\n"title":"链家717,租房换新季!",\n"description":"两室一厅两卫+大阳台,家用电器齐全,佣金每1000减200!",\n"img_url":"http://pgdt.gtimg.cn/gdt/0/DAAPzYQAUAALQABZBZXLOKDKDSAgqS.jpg/0?ck=bb5fd85d2dfe45d89c73d52f6391905a",\n"img2_url":"http://pgdt.gtimg.cn/gdt/0/DAAPzYQAEsAEsAAUBZXK6GCzdJLQFu.jpg/0?ck=9807f69989ad965535fae4448e63dbd0"\n},\n{\n"impression_link":"http://v.gdt.qq.com/gdt_stats.fcg?viewid=!mq3jem6jprY5!eoxbZOODQykDLHprRMH65OvFKKvnuxmHadHDFZmHxCVhJgx4qdXJfEF3BzMO7ycM5WNA6vqTBcYqdnce!KjHDlc7j9XMPkPH7zXU5N9rEmO6tBdDvcoy5h9Q6V6NoZu3G8BRBT1vxgY5E3IlquQhNO0DqSWuOgpnXINM0Gbap7qjZMAzQ2LWZpHEZeu_Ix0wRx3Df14w&i=1&os=2&datatype=json",\n"click_link":"http://c.gdt.qq.com/gdt_mclick.fcg?viewid=!mq3jem6jprY5!eoxbZOODQykDLHprRMH65OvFKKvnuxmHadHDFZmHxCVhJgx4qdXJfEF3BzMO7ycM5WNA6vqTBcYqdnce!KjHDlc7j9XMPkPH7zXU5N9rEmO6tBdDvcoy5h9Q6V6NoZu3G8BRBT1vxgY5E3IlquQhNO0DqSWuOgpnXINM0Gbap7qjZMAzQ2LWZpHEZeu_Ix0wRx3Df14w&jtype=0&i=1&os=2&asi=%7B%22mf%22%3A%22Xiaomi%22%7D&acttype=1&s=%7B%22req_width%22%3A%22__REQ_WIDTH__%22%2C%22req_height%22%3A%22__REQ_HEIGHT__%22%2C%22width%22%3A%22__WIDTH__%22%2C%22height%22%3A%22__HEIGHT__%22%2C%22down_x%22%3A%22__DOWN_X__%22%2C%22down_y%22%3A%22__DOWN_Y__%22%2C%22up_x%22%3A%22__UP_X__%22%2C%22up_y%22%3A%22__UP_Y__%22%7D",\n"conversion_link":"http://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=__ACTION_ID__&click_id=__CLICK_ID__&product_id=1106228530",\n"interact_type":1,\n"crt_type":11,\n"title":"沙城传说",\n"description":"经典传奇回归,开局一把木剑,打蜈蚣爆出屠龙刀,系统回收,过瘾",\n"img_url":"http://pgdt.gtimg.cn/gdt/0/DAAEEh2AUAALQABQBZXZivCx-g1rXm.jpg/0?ck=5422e0280124288729a93a024896e7c5",\n"img2_url":"http://pgdt.gtimg.cn/gdt/0/DAAEEh2AEsAEsAAXBZXZiXDY-kMKbV.jpg/0?ck=c6066c8bae5de0fad07ab0739852ea5f"\n}\n]\n}\n}\n}';

/** 广告请求接口-响应示例: "三小图网页类广告" (pos 7010946296282620). */
export const SEED_THREE_IMAGE_RESPONSE =
	'{\n"ret":0,\n"msg":"",\n"data":{\n"7010946296282620":{\n"list":[\n{\n"ad_id":"78064987",\n"impression_link":"http://v.gdt.qq.com/gdt_stats.fcg?viewid=0UK1EIN9ibAzpwc26RfjJ1hUXwGgvOOvZLGy5ow!97_x!pE55QuV6QyA_KDCDBfW!u51XavIXZIS9IrLQAFrLyw7YqQr9r3w2tpmmqFlSoQ3a8trEKpgF1SgJdP_XP8aSjKJxWNbnuqC4yl7lRBTkB9ATQDfLYSj0wn0LSMH246WBhka14_39Xlm!NaokVnYq!opvRtU02dV5utkxBPFAH1UrPg6Clv_sC6qfM9iD48&i=1&os=1&datatype=json&xp=3",\n"click_link":"http://c.gdt.qq.com/gdt_mclick.fcg?viewid=0UK1EIN9ibAzpwc26RfjJ1hUXwGgvOOvZLGy5ow!97_x!pE55QuV6QyA_KDCDBfW!u51XavIXZIS9IrLQAFrLyw7YqQr9r3w2tpmmqFlSoQ3a8trEKpgF1SgJdP_XP8aSjKJxWNbnuqC4yl7lRBTkB9ATQDfLYSj0wn0LSMH246WBhka14_39Xlm!NaokVnYq!opvRtU02dV5utkxBPFAH1UrPg6Clv_sC6qfM9iD48&jtype=0&i=1&os=1&acttype=0&s=%7B%22req_width%22%3A%22__REQ_WIDTH__%22%2C%22req_height%22%3A%22__REQ_HEIGHT__%22%2C%22width%22%3A%22__WIDTH__%22%2C%22height%22%3A%22__HEIGHT__%22%2C%22down_x%22%3A%22__DOWN_X__%22%2C%22down_y%22%3A%22__DOWN_Y__%22%2C%22up_x%22%3A%22__UP_X__%22%2C%22up_y%22%3A%22__UP_Y__%22%7D&xp=3",\n"interact_type":0,\n"crt_type":7,\n"title":"翡翠原厂地直供,高性价比",\n"description":"买翡翠的注意!这个APP源头直供,比实体店便宜一半",\n"img_list":[\n"http://pgdt.ugdtimg.com/gdt/0/DAAe7Y2ADkACWAAKBb0aNwCQwwHkGo.jpg/0?ck=6106dfc36bee5dd8dec60b6d60e2db43",\n"http://pgdt.ugdtimg.com/gdt/0/DAAe7Y2ADkACWAAbBb0aNzBvw07kQd.jpg/0?ck=a31a8c84ca8eae23ba4e961d0b3f41d4",\n"http://pgdt.ugdtimg.com/gdt/0/DAAe7Y2ADkACWAAdBb0aN2AqTuDmq3.jpg/0?ck=017d4621bee5af0afaacddda0135b72e"\n],\n"app_id":982906456\n}\n]\n}\n}\n}';

/** 点击上报-请求示例: a click_link after macro replacement. */
export const SEED_FILLED_CLICK_URL =
	"http://c.gdt.qq.com/gdt_mclick.fcg?viewid=JcOh4K3LVtyM36FJYvAKAF_yL7FjDsqIvTv5Okb!OqmRVZVS8grRgfb8mE9jYoS3BM_S5FP!mBZFagqd3pitSIXFLugPNNM75APKz15fpCA7Nk4H9DL2Ahm1KyByHV8GH2Hze4h6XRewMVpuIwReDjNtbh_alplvlZaYU3BNpH6EwUQ6YS9AO4d80Y!HEso908m3ktLbFLe6wzKcjP!ZTEGfycQ1SVBsYoeco3kALE8Q2OLoI!jjzgUFAII8BY_TUXTHvNtw!0BFSBqfcPivGUYAGavN3CsGjlNHDLISkrq4M4nBfKMOdhWSjiBSChpFUgxTRRG8Y64&jtype=0&i=1&acttype=1&s=%7B%22req_width%22%3A%22250%22%2C%22req_height%22%3A%22100%22%2C%22width%22%3A%22300%22%2C%22height%22%3A%22120%22%2C%22down_x%22%3A%22100%22%2C%22down_y%22%3A%2250%22%2C%22up_x%22%3A%22100%22%2C%22up_y%22%3A%2250%22%7D";

/** 视频播放信息上报-请求示例. */
export const SEED_VIDEO_VIEW_URL =
	"http://vr.gdt.qq.com/gdt_stats.fcg?&datatype=json&viewid=3fOzNrVLMUCYOAUpt_U94oWRGcW_STX5fYS7sdOMs46chbddtzrkhTTd6kAvaNL5L6DoWzgO5VXF83EaF!O5MNk4vq!Un!q1uRjaYt6WQ5y_Fen1gKkVr6f4jp8u9bh1oy5h9Q6V6NoZu3G8BRBT1vxgY5E3IlquQhNO0DqSWuNYHu2KUFcRnQerHewVpZwDLWZpHEZeu_Jiadr1uWzZAA&video=%7b%22vt%22%3a%2215%22%2c%22bt%22%3a%220%22%2c%22et%22%3a%225%22%2c%22bf%22%3a%221%22%2c%22ef%22%3a%220%22%2c%22pp%22%3a%221%22%2c%22pa%22%3a%221%22%2c%22pb%22%3a%221%22%2c%22ps%22%3a%220%22%7d";

/** 转化上报-请求示例: conversion_event (comments removed). */
export const SEED_CONVERSION_EVENT = {
	app_installed:
		"https://sdk.e.qq.com/open/v1.1/report/api_data?data=CAIaQgj1hNLgnjASJGZkZWY2ZmNkLWYyZmYtNWU3OS1kZmZmLWVlZTZkN2ZlODZiMRoAKgQKABgBMAI4jrDxr5y%2FuAxACQ%3D%3D&sign=530913c34810ee1e9f460a7942f8aea6",
	app_not_installed:
		"https://sdk.e.qq.com/open/v1.1/report/api_data?data=CAIaQgj1hNLgnjASJGZkZWY2ZmNkLWYyZmYtNWU3OS1kZmZmLWVlZTZkN2ZlODZiMRoAKgQKABgAMAI4jrDxr5y%2FuAxACQ%3D%3D&sign=d2edf359423e61ea51dbbe2bd9fcd211",
	deeplink_invoke:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=245&click_id=gzva6zjxuuzoy01",
	deeplink_success:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=246&click_id=gzva6zjxuuzoy01",
	download_started:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=5&click_id=gzva6zjxuuzoy01",
	download_finished:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=7&click_id=gzva6zjxuuzoy01",
	install_finished:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=6&click_id=gzva6zjxuuzoy01",
} as const;
