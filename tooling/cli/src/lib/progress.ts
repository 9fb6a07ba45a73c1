/**
 * A progress line: redrawn in place on a terminal, printed at most every few seconds otherwise
 * (so CI logs stay short).
 * @module
 */
import type { Io } from "../io.ts";

/** Writes progress updates. */
export interface Progress {
	/** Shows a new state (throttled). */
	update(text: string): void;
	/** Shows the final state and ends the line. */
	done(text: string): void;
}

/**
 * Creates a progress line on `io.err`.
 * @param io - console
 * @param options - quiet suppresses everything; intervalMs throttles non-terminal output
 * @returns the progress writer
 */
export function createProgress(io: Io, options: { quiet?: boolean; intervalMs?: number } = {}): Progress {
	if (options.quiet) return { update: () => {}, done: () => {} };
	const interval = options.intervalMs ?? (io.errIsTty ? 200 : 5000);
	// In a log, the first line waits one interval: short runs print only their final line.
	let last = io.errIsTty ? 0 : Date.now();
	let width = 0;
	const draw = (text: string, final: boolean) => {
		if (io.errIsTty) {
			io.err(`\r${text}${" ".repeat(Math.max(0, width - text.length))}${final ? "\n" : ""}`);
			width = text.length;
		} else {
			io.err(`${text}\n`);
		}
	};
	return {
		update(text) {
			const now = Date.now();
			if (now - last < interval) return;
			last = now;
			draw(text, false);
		},
		done(text) {
			draw(text, true);
		},
	};
}

/**
 * A text progress bar.
 * @param fraction - 0..1
 * @param width - characters
 * @returns e.g. "[#####-----]"
 */
export function bar(fraction: number, width = 24): string {
	const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
	return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}
