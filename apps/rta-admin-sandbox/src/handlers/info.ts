/**
 * info/get (docs/rta/management-api.md 信息管理): the RTA's registration, from SANDBOX_INFO.
 * @module
 */
import { infoProfile } from "../settings.ts";
import type { Operation } from "./context.ts";

/** info/get. */
export const infoGet: Operation = async ({ settings, dspid }) => ({
	code: 0,
	msg: "success",
	data: { infoGet: infoProfile(settings, dspid) },
	nodes: ["info_get"],
});
