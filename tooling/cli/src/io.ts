/**
 * The console a command writes to. Commands never touch `process` directly, so tests run them
 * in-process and read what they printed.
 * @module
 */
import process from "node:process";

/** Where a command writes, and what it knows about its environment. */
export interface Io {
	/** Results (tables, JSON): what a user pipes into another tool. */
	out(text: string): void;
	/** Progress, warnings and errors. */
	err(text: string): void;
	/** Whether `err` is a terminal (progress lines redraw in place only then). */
	readonly errIsTty: boolean;
	/** Working directory relative paths resolve against. */
	readonly cwd: string;
	/** Environment variables (secrets may come from here instead of flags). */
	readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The real console.
 * @returns an {@link Io} over process.stdout / process.stderr
 */
export function processIo(): Io {
	return {
		out: (text) => process.stdout.write(text),
		err: (text) => process.stderr.write(text),
		errIsTty: process.stderr.isTTY === true,
		cwd: process.cwd(),
		env: process.env,
	};
}

/** An {@link Io} that records everything, for tests. */
export interface CapturedIo extends Io {
	/** Everything written to `out`. */
	readonly stdout: () => string;
	/** Everything written to `err`. */
	readonly stderr: () => string;
}

/**
 * Builds an in-memory console.
 * @param options - working directory and environment
 * @returns a console whose output can be read back
 * @example const io = captureIo(); await main(["muid", "354649050046412"], io); io.stdout();
 */
export function captureIo(
	options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CapturedIo {
	let out = "";
	let err = "";
	return {
		out: (text) => {
			out += text;
		},
		err: (text) => {
			err += text;
		},
		errIsTty: false,
		cwd: options.cwd ?? process.cwd(),
		env: options.env ?? {},
		stdout: () => out,
		stderr: () => err,
	};
}
