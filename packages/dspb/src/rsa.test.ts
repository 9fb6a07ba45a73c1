import { beforeAll, describe, it } from "vitest";
import { isDspbError } from "./errors.ts";
import { base64ToBytes, derInteger, derSequence, generateTestKeys, rawDecrypt } from "./rsa.testdata.ts";
import { createAuctionPriceEncryptor, parseRsaPublicKey, rsaPkcs1v15Encrypt } from "./rsa.ts";

let keys: Awaited<ReturnType<typeof generateTestKeys>>;
beforeAll(async () => {
	keys = await generateTestKeys();
});

/** Checks RFC 8017 §7.2.2 step 3 on EM and returns M. */
function unpadPkcs1(em: Uint8Array): { message: string; psLength: number } {
	if (em[0] !== 0x00 || em[1] !== 0x02) throw new Error("EM does not start 00 02");
	const sep = em.indexOf(0x00, 2);
	if (sep < 0) throw new Error("no 00 separator");
	return { message: new TextDecoder().decode(em.subarray(sep + 1)), psLength: sep - 2 };
}

describe("parseRsaPublicKey", () => {
	it("reads SPKI PEM, bare base64 SPKI, SPKI DER and PKCS#1 PEM to the same key", ({ expect }) => {
		const forms = [keys.spkiPem, keys.spkiBase64, keys.spki, keys.pkcs1Pem, keys.pkcs1];
		for (const form of forms) {
			const key = parseRsaPublicKey(form);
			expect(key.n).toBe(keys.n);
			expect(key.e).toBe(65537n);
			expect(key.size).toBe(256);
			// PKCS#1 input is re-wrapped into exactly the SPKI WebCrypto exported.
			expect(key.spki).toEqual(keys.spki);
		}
	});

	it("tolerates CRLF and indentation inside the PEM", ({ expect }) => {
		const messy = keys.spkiPem.replace(/\n/g, "\r\n  ");
		expect(parseRsaPublicKey(messy).n).toBe(keys.n);
	});

	const bad: Array<[string, () => string | Uint8Array]> = [
		["empty", () => ""],
		["not base64", () => "not a key!"],
		["private key PEM", () => keys.spkiPem.replace(/PUBLIC KEY/g, "PRIVATE KEY")],
		["truncated DER", () => keys.spki.subarray(0, 100)],
		["trailing garbage", () => new Uint8Array([...keys.spki, 0])],
		["OCTET STRING", () => new Uint8Array([0x04, 0x01, 0x00])],
		["256-bit modulus", () => derSequence([derInteger((1n << 255n) + 1n), derInteger(65537n)])],
		["even exponent", () => derSequence([derInteger(keys.n), derInteger(65536n)])],
		["negative modulus", () => new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x03])],
	];
	it.for(bad)("rejects %s with INVALID_KEY", ([, make], { expect }) => {
		let caught: unknown;
		try {
			parseRsaPublicKey(make());
		} catch (e) {
			caught = e;
		}
		expect(isDspbError(caught) && caught.code).toBe("INVALID_KEY");
		expect(isDspbError(caught) && caught.field).toBe("publicKey");
	});

	it("rejects an EC key's SPKI", async ({ expect }) => {
		const ec = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
			"sign",
		])) as CryptoKeyPair;
		const spki = new Uint8Array((await crypto.subtle.exportKey("spki", ec.publicKey)) as ArrayBuffer);
		expect(() => parseRsaPublicKey(spki)).toThrow(/rsaEncryption/);
	});
});

describe("RSA PKCS#1 v1.5 round trip with a generated key pair", () => {
	it.for([0, 1, 1234, 99999, 2 ** 31 - 1])("price %i", async (price, { expect }) => {
		const enc = await createAuctionPriceEncryptor(keys.spkiPem);
		expect(enc.padding).toBe("pkcs1");
		const b64 = await enc.encryptPrice(price);
		expect(b64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
		const ciphertext = base64ToBytes(b64);
		expect(ciphertext).toHaveLength(256);
		const em = rawDecrypt(ciphertext, keys);
		const { message, psLength } = unpadPkcs1(em);
		expect(message).toBe(String(price));
		expect(psLength).toBe(256 - 3 - String(price).length);
		expect(psLength).toBeGreaterThanOrEqual(8);
		expect(em.subarray(2, 2 + psLength).includes(0)).toBe(false);
	});

	it("is randomized: the same price encrypts differently each time", async ({ expect }) => {
		const enc = await createAuctionPriceEncryptor(keys.pkcs1Pem);
		const a = await enc.encryptPrice(500);
		const b = await enc.encryptPrice(500);
		expect(a).not.toBe(b);
		expect(unpadPkcs1(rawDecrypt(base64ToBytes(b), keys)).message).toBe("500");
	});

	it("refuses a message longer than k − 11 bytes", ({ expect }) => {
		const key = parseRsaPublicKey(keys.spki);
		expect(() => rsaPkcs1v15Encrypt(key, new Uint8Array(246))).toThrow(/too long/);
		expect(rsaPkcs1v15Encrypt(key, new Uint8Array(245))).toHaveLength(256);
	});

	it.for([-1, 1.5, 2 ** 31, Number.NaN])("rejects price %s", async (price, { expect }) => {
		const enc = await createAuctionPriceEncryptor(keys.spki);
		const e = await enc.encryptPrice(price).catch((x: unknown) => x);
		expect(isDspbError(e) && e.field).toBe("__AUCTION_PRICE__");
	});
});

describe("RSA-OAEP via WebCrypto (padding configured otherwise)", () => {
	it("oaep-sha256 decrypts with the private key", async ({ expect }) => {
		const enc = await createAuctionPriceEncryptor(keys.pkcs1Pem, { padding: "oaep-sha256" });
		const ciphertext = base64ToBytes(await enc.encryptPrice(4321));
		const plain = await crypto.subtle.decrypt(
			{ name: "RSA-OAEP" },
			keys.privateKey,
			ciphertext as Uint8Array<ArrayBuffer>,
		);
		expect(new TextDecoder().decode(plain)).toBe("4321");
	});

	it("oaep-sha1 decrypts with a SHA-1 private key", async ({ expect }) => {
		const sha1 = await generateTestKeys("SHA-1");
		const enc = await createAuctionPriceEncryptor(sha1.spkiPem, { padding: "oaep-sha1" });
		const ciphertext = base64ToBytes(await enc.encryptPrice(7));
		const plain = await crypto.subtle.decrypt(
			{ name: "RSA-OAEP" },
			sha1.privateKey,
			ciphertext as Uint8Array<ArrayBuffer>,
		);
		expect(new TextDecoder().decode(plain)).toBe("7");
	});

	it("rejects an unknown padding", async ({ expect }) => {
		const e = await createAuctionPriceEncryptor(keys.spki, { padding: "none" as "pkcs1" }).catch(
			(x: unknown) => x,
		);
		expect(isDspbError(e) && e.field).toBe("padding");
	});
});
