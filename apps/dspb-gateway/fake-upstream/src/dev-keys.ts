/**
 * DEV ONLY — an RSA key pair generated for local runs and tests of the gateway and its fake
 * 优量汇. It stands in for the price key 优量汇 issues to a publisher (docs/dspb/protocol.md
 * 竞胜上报: "申请RSA加密公钥请咨询优量汇技术支持或运营经理"). It is public in this repository:
 * never configure it in a deployed gateway, and never send real prices encrypted with it.
 * @module
 */

/** DEV ONLY: the public half, as base64 DER SubjectPublicKeyInfo (what DSPB_PRICE_PUBLIC_KEY takes). */
export const DEV_PRICE_PUBLIC_KEY_SPKI_BASE64 =
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo/SzfZM3n+8Wrr/QEsW1BPP8vDb1ECTOzhBRJlbhuwMKMATY3KWao3lccRvn9yUqAGs8K7nShx/BMYVSfWr0M/lWyF3BM1czi00NBqEqXbNfNdsSMdmpbbJwq+BVhJLHN3ZjKkzhS0C2T8xN66LdH1lyFD+gYWROJVMI0I3MnGILuskFi2dXwHuMMm/IKSAEanWOe/fkRvnvxCkx+G42Ya+UOI32z3V8afPde35RgKmesQgdASjYZDpbssl8qYApDhv4dO8FKbQz6nsdGcjQRDS0lyHoyIwkCmxU1+K2mq6/W0ggd5D1DUY88IimB7o5OaWcOOx0ulQ4nAH+BqIGeQIDAQAB";

/** DEV ONLY: the private half, as a JWK, held by the fake 优量汇 to decrypt notice prices. */
export const DEV_PRICE_PRIVATE_KEY_JWK = {
	kty: "RSA",
	n: "o_SzfZM3n-8Wrr_QEsW1BPP8vDb1ECTOzhBRJlbhuwMKMATY3KWao3lccRvn9yUqAGs8K7nShx_BMYVSfWr0M_lWyF3BM1czi00NBqEqXbNfNdsSMdmpbbJwq-BVhJLHN3ZjKkzhS0C2T8xN66LdH1lyFD-gYWROJVMI0I3MnGILuskFi2dXwHuMMm_IKSAEanWOe_fkRvnvxCkx-G42Ya-UOI32z3V8afPde35RgKmesQgdASjYZDpbssl8qYApDhv4dO8FKbQz6nsdGcjQRDS0lyHoyIwkCmxU1-K2mq6_W0ggd5D1DUY88IimB7o5OaWcOOx0ulQ4nAH-BqIGeQ",
	e: "AQAB",
	d: "AdillMptm-1zUfBzBWMYkL-2nt_3joD7mzJv14Cu9g4otTW4w3NR9HlPYy6vRAc1G-AZQ1zKVB81a7tWnHbx3Qv3wDXeERfwSqdJeEOkWH3GmrKm18zdrZCO2ECkdeO5PpSktTs8Zj6KTwe78OVanBnDwRqeUbpxbtYqiT6viStE2zoDAXWXgt5tMchrxBG-Oqo-R69Ogx5W1pYUQOseWAJ_kGq29nC6KTLuYdjoMan-35eETQg3en1IEockc_KV4QXY0LX80VW4MG7kK5uDYs5O_ptcylOJQNKhxJqqd3NzisDmN56jlruSKinnZ8tH0K9IS3e1ekT9_BmsmVITAQ",
	p: "2XZkon-1j9eKHpP4wExVZjzOXyrYdkmxE2ILQVvuVIzT9Cx_hMQe2eRC9bKl6g9nR7sUNgChZI7MEZNY_WAE62QwbzQKOriO-M3L3oATG9o4uWkVD-HNP1xzJIxBQautl_atSXsUs0tu7Bxco0oLNOBU53kLiK9RZw02PSI2akk",
	q: "wQLgfZegyzgN2cYkoQPQEIIg9cJZo0MPSxCgxUByQ0Lf74NJoYN3uiLMG4wKV0mmDkIhumkbvdJkYcbo31ewuJirxAe58NWOJ6I07qTreVVG-ismucowH4Z38W15imZcYvxjAG6o7rkdEyzzRXKE1S9O-o9QSmceeybZYuN-OrE",
	dp: "hvJGXuS7acjKiFEw8zwrXqdrNXlkHHt8bFfSPjvrOQKvYP3gICaIMpTIzKmQ9h-a6tN4Jk7b2IgYsOtsNMfKJbzlpYx4sJno9xLWaXu23_jabIx-Kn3oHWKkfVCgCj2cGwpT3J6JaP3tlo2_GwGO1MBFT-M4uhh5fmafeu5pMCk",
	dq: "Aya235YQLAE4SKvxgSd8yCg3vYt0xzObFlCpL09EDlETMufj1d09oS5cQr7glFhBe84cmtyIdWrv9KC4wJy_5-OmOkceBA6YiZEeaB8NMSfxRrhZo4LnkjwxzSFKcLYHIB6axzEHVQ50qRF8z091V72z_mdEmlJgrwYNWo34S6E",
	qi: "sKHuA-ZCkKnj32Blpdmzb0FXfs7qjqaA9fCVcG8pzr_s6104AbEq0xHu0Wra00QsiCgP5swNMaeF681gPDkGSgcAeT19frjIFcBDF5YRmkFsqt3AGS2pbGUAbSzMCU6EKXyPbPvKYGKXX4H7_kZDlJgEE4fLjlTx39jTMiaxt_w",
} as const;
