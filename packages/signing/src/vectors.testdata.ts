/**
 * Independently computed vectors from @txad/testdata (tooling/testdata/), plus RFC known answers.
 * @module
 */
import conversionEncstr from "@txad/testdata/conversion-encstr.json";
import dspbSign from "@txad/testdata/dspb-sign.json";

export const dspbSignVectors = dspbSign.cases;
export const conversionEncstrVectors = conversionEncstr.cases;

/** RFC 1321 appendix A.5 test suite. */
export const md5Rfc1321 = [
	["", "d41d8cd98f00b204e9800998ecf8427e"],
	["a", "0cc175b9c0f1b6a831c399e269772661"],
	["abc", "900150983cd24fb0d6963f7d28e17f72"],
	["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
	["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
	[
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		"57edf4a22be3c955ac49da2e2107b67a",
	],
] as const;

/** RFC 4231 test cases 1, 2 and 6 (key longer than the block size). */
export const hmacRfc4231 = [
	{
		key: new Uint8Array(20).fill(0x0b),
		data: "Hi There",
		mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	},
	{
		key: "Jefe",
		data: "what do ya want for nothing?",
		mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	},
	{
		key: new Uint8Array(131).fill(0xaa),
		data: "Test Using Larger Than Block-Size Key - Hash Key First",
		mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	},
] as const;
