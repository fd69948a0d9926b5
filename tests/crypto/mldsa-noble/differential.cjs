// Differential test of ML-DSA-65 against @noble/post-quantum (run by
// tests/suites/23-crypto-mldsa.sh with the package installed by `npm ci`).
// stdin: lines "seed msg ctx rnd pk sig mutated" from `mldsa_test noble-cases`
// (hex, "-" for empty; rnd "-" means deterministic signing).
// For every line noble must accept our signature and refuse our mutated one.
// Noble's signing is about seven times slower than its verification, so on
// every 10th line it also derives the key pair from the seed (same public key
// required) and signs the message itself with fresh randomness, writing
// "pk msg ctx sig mutated" to the file named by argv[3] for
// `mldsa_test noble-check`; on every 20th line it also signs with our rnd and
// must produce our signature byte for byte.
// Prints one PASS/FAIL line with the counts.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { ml_dsa65 } = require(path.resolve(process.argv[2], 'node_modules/@noble/post-quantum/ml-dsa.js'));

const hex = (s) => (s === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(s, 'hex')));
const toHex = (b) => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'));
const equal = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

const counts = { cases: 0, accepted: 0, refused: 0, keygens: 0, keys: 0, signs: 0, ownRefused: 0, sameTried: 0, same: 0 };
const out = [];
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  const f = line.trim().split(' ');
  if (f.length !== 7) continue;
  const [seed, msg, ctx, rnd, pk, sig, mutated] = f.map(hex);
  counts.cases++;
  if (ml_dsa65.verify(pk, msg, sig, ctx)) counts.accepted++;
  if (!ml_dsa65.verify(pk, msg, mutated, ctx)) counts.refused++;
  if (counts.cases % 10 !== 1) continue;
  const keys = ml_dsa65.keygen(seed);
  counts.keygens++;
  if (equal(keys.publicKey, pk)) counts.keys++;
  if (counts.cases % 20 === 1) {
    counts.sameTried++;
    const again = ml_dsa65.sign(keys.secretKey, msg, ctx, rnd.length === 32 ? rnd : undefined);
    if (equal(again, sig)) counts.same++;
  }
  const own = ml_dsa65.sign(keys.secretKey, msg, ctx, new Uint8Array(crypto.randomBytes(32)));
  counts.signs++;
  const ownMutated = Uint8Array.from(own);
  const r = crypto.randomInt(own.length * 8);
  ownMutated[r >> 3] ^= 1 << (r & 7);
  if (!ml_dsa65.verify(pk, msg, ownMutated, ctx)) counts.ownRefused++;
  out.push([toHex(pk), toHex(msg), toHex(ctx), toHex(own), toHex(ownMutated)].join(' '));
}
fs.writeFileSync(process.argv[3], out.join('\n') + '\n');
const c = counts;
const ok = c.cases > 0 && c.accepted === c.cases && c.refused === c.cases && c.keys === c.keygens &&
  c.ownRefused === c.signs && c.same === c.sameTried && c.signs > 0 && c.sameTried > 0;
console.log(`${ok ? 'PASS' : 'FAIL'} mldsa65 noble: ${c.cases} of our signatures, ${c.accepted} accepted, ` +
  `${c.refused} mutated refused; ${c.keys} of ${c.keygens} public keys equal; ${c.same} of ` +
  `${c.sameTried} signatures with our rnd identical; ${c.ownRefused} of ${c.signs} own mutated refused`);
process.exit(ok ? 0 : 1);
