/**
 * `@txad/audience`: the audience snapshot format — fingerprints, shards searched in place, the
 * manifest, deltas and the builder — shared by the `txad` CLI that builds and publishes snapshots
 * and the RTA responder that reads them.
 * @module
 */
export {
	type BuiltSnapshot,
	chooseShardBits,
	DEFAULT_MAX_SETS,
	DEFAULT_TARGET_SHARD_BYTES,
	type FinishOptions,
	SnapshotBuilder,
	type SnapshotBuilderOptions,
	setWidthFor,
} from "./builder.ts";
export { crc32 } from "./crc32.ts";
export {
	applyOps,
	DELTA_FORMAT_VERSION,
	type DeltaBlob,
	type DeltaOp,
	isCanonicalIdValue,
	MAX_DELTA_OPS,
	parseDelta,
	serializeDelta,
} from "./delta.ts";
export { AudienceError, type AudienceErrorCode, isAudienceError } from "./errors.ts";
export { type Fingerprint, fingerprint, fingerprintInto, mixWords, shardOf } from "./fingerprint.ts";
export { type FoldResult, foldDeltas } from "./fold.ts";
export {
	audienceKey,
	type HashIdType,
	ID_TYPES,
	type IdType,
	idTypeOfKind,
	isIdType,
	isSegmentName,
	MAX_OPENID_LENGTH,
	MAX_SEGMENT_LENGTH,
	MAX_SEGMENTS_PER_RECORD,
	MAX_UNTIL_SECONDS,
} from "./id-types.ts";
export {
	DELTA_KEY_PREFIX,
	deltaKeyTime,
	isSnapshotId,
	MANIFEST_KEY,
	newDeltaKey,
	newSnapshotId,
	SHARD_KEY_PREFIX,
	shardKey,
} from "./keys.ts";
export {
	MANIFEST_FORMAT_VERSION,
	MAX_SHARD_BITS,
	type Manifest,
	type ManifestDocument,
	parseManifest,
	type ReplacedSnapshot,
	snapshotChecksum,
} from "./manifest.ts";
export {
	checkEntry,
	EMPTY_MEMBERSHIP,
	entriesOf,
	laterEnd,
	type Membership,
	membershipOf,
	SegmentDictionary,
	type SegmentEntry,
	unionActive,
} from "./membership.ts";
export { isPlaceholderHash, isPlaceholderOpenid } from "./placeholder.ts";
export {
	encodeShard,
	KEY_BYTES,
	type OpenShardOptions,
	openShard,
	peekShardHeader,
	recordBytes,
	SHARD_FORMAT_VERSION,
	SHARD_HEADER_BYTES,
	SHARD_MAGIC,
	type ShardLayout,
	type ShardRecords,
	ShardView,
	snapshotTag,
} from "./shard.ts";
