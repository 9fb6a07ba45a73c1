/**
 * The sandbox's failures: one class carrying the envelope `code`, thrown by handlers and turned
 * into the RTA management API envelope (docs/rta/management-api.md 返回通用内容) in one place
 * (src/handlers/rta.ts).
 * @module
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Response_DataSchema } from "@txad/proto";
import type { SandboxCodeValue } from "./codes.ts";

/**
 * A failed operation: `code > 0`, a message that names the field or id at fault, and optionally
 * the data node to send anyway (bind/set keeps its per-record errors when every record failed).
 * @example throw new SandboxError(SandboxCode.INVALID_PARAM, "target_get.page_size: must be 1 to 1000");
 */
export class SandboxError extends Error {
	override name = "SandboxError" as const;
	/** The envelope's `code`. */
	readonly code: SandboxCodeValue;
	/** Data to send with the failure, and which nodes of it. */
	readonly data: { value: MessageInitShape<typeof Response_DataSchema>; nodes: string[] } | undefined;

	constructor(
		code: SandboxCodeValue,
		message: string,
		options?: { data?: MessageInitShape<typeof Response_DataSchema>; nodes?: string[]; cause?: unknown },
	) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.data = options?.data === undefined ? undefined : { value: options.data, nodes: options.nodes ?? [] };
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `SandboxError`
 */
export function isSandboxError(e: unknown): e is SandboxError {
	return (
		e instanceof Error && e.name === "SandboxError" && typeof (e as { code?: unknown }).code === "number"
	);
}
