// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// build a two-device snapshot, then find each device in its shard the way the responder does.
import { fingerprintInto, openShard, parseManifest, SnapshotBuilder, shardOf } from "@txad/audience";

export default async function smoke() {
	const builder = new SnapshotBuilder();
	const newUser = builder.dictionary.intern([["new_user", 0]]);
	builder.add("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71", newUser);
	builder.add("oaid_md5", "83e9158a4fb54c0e1ef0b238639a23ae", newUser);
	const built = builder.finish();
	const shards = [...built.shards()];
	const manifest = parseManifest(JSON.stringify(built.manifest()));
	const fp = new Uint32Array(3);
	fingerprintInto("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71", fp);
	const index = shardOf(fp[0], manifest.shardBits);
	const set = openShard(shards[index], manifest.layout, index).find(fp[1], fp[2]);
	const names = manifest.memberships[set]?.names;
	if (names?.[0] !== "new_user") throw new Error(`lookup gave set ${set} (${JSON.stringify(names)})`);
	return `SnapshotBuilder → ${shards.length} shard(s), imei found in ${names[0]}`;
}
