// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// an Android download ad with a deeplink jumps to the deeplink first, the landing page last.
import { decideJump } from "@txad/jump";

export default function smoke() {
	const plan = decideJump(
		{
			interact_type: 1,
			customized_invoke_url: "app://open",
			landing_page_url: "https://example.com/landing",
		},
		{ platform: "android", deeplink: true },
	);
	const kinds = plan.kind === "jump" ? plan.steps.map((step) => step.action.kind) : [];
	if (kinds.join() !== "deeplink,landing_page") throw new Error(`decideJump gave ${JSON.stringify(plan)}`);
	return `decideJump → ${kinds.join(" > ")}`;
}
