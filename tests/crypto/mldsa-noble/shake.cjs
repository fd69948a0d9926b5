// SHAKE differential (run by tests/suites/23-crypto-mldsa.sh): reads lines
// "<128|256> <in> <outlen> <out>" from `mldsa_test shake-cases` and replaces
// each output with the one of node's crypto module (OpenSSL's SHAKE), for
// `mldsa_test shake-check` to compare. Hex, "-" for empty.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const lines = [];
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  const f = line.trim().split(' ');
  if (f.length !== 4) continue;
  const input = f[1] === '-' ? Buffer.alloc(0) : Buffer.from(f[1], 'hex');
  const length = Number(f[2]);
  const out = crypto.createHash(`shake${f[0]}`, { outputLength: length }).update(input).digest();
  lines.push(`${f[0]} ${f[1]} ${length} ${length === 0 ? '-' : out.toString('hex')}`);
}
fs.writeFileSync(1, lines.join('\n') + '\n');
