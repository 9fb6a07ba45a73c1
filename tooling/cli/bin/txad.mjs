#!/usr/bin/env node
// Entry point of the `txad` command. The CLI is written in TypeScript and run through tsx's
// in-process loader (no build step, ~100 ms start-up); main.ts returns the exit code.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
