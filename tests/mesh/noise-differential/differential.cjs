// Differential test of lib/mesh/noise.c against the npm package
// noise-protocol (Noise_*_25519_ChaChaPoly_BLAKE2b in JavaScript over
// libsodium), suite 27-mesh-noise. Both directions use the cacophony line
// format of tests/mesh/noise_test.c ("-" empty, "none" absent):
//   name prologue_i s_i e_i rs_i psk_i prologue_r s_r e_r rs_r psk_r hash N p1 c1 ... pN cN
//
//   node --expose-gc differential.cjs check < lines   replays vectors made by our code:
//        every message written here must equal the line's bytes, every
//        payload must read back, and the handshake hash must match;
//        prints one PASS or FAIL line (zero lines read is a FAIL)
//   node --expose-gc differential.cjs make N SEED     writes N vectors made here (random
//        patterns among the 15 the package has, keys, prologues, payloads
//        from SEED) for `noise_test vectors` to replay
'use strict'
const path = require('path')
const base = path.join(process.env.NOISE_NODE_MODULES || path.join(__dirname, 'node_modules'), 'noise-protocol')
const dhDefault = require(path.join(base, 'dh'))()
const { crypto_scalarmult_base } = require(path.join(base, '..', 'sodium-universal', 'crypto_scalarmult'))

// The ephemeral key the next `e` token takes (the package makes its own otherwise).
let nextEphemeral = null
const dh = Object.assign({}, dhDefault, {
  generateKeypair (pk, sk) {
    if (nextEphemeral === null) throw new Error('no ephemeral key queued')
    sk.set(nextEphemeral)
    crypto_scalarmult_base(pk, sk)
  }
})
const hash = require(path.join(base, 'hash'))({ dh })
const cipher = require(path.join(base, 'cipher'))()
const cipherState = require(path.join(base, 'cipher-state'))({ cipher })
const symmetricState = require(path.join(base, 'symmetric-state'))({ hash, cipherState })
const noise = require(path.join(base, 'handshake-state'))({ dh, hash, cipher, cipherState, symmetricState })

// Pre-messages of the 15 patterns the package implements.
const PATTERNS = {
  N: { i: 1, r: 0 }, K: { i: 1, r: 1 }, X: { i: 1, r: 0 },
  NN: {}, KN: { r: 1 }, NK: { i: 1 }, KK: { i: 1, r: 1 }, NX: {}, KX: { r: 1 },
  XN: {}, IN: {}, XK: { i: 1 }, IK: { i: 1 }, XX: {}, IX: {}
}
// Messages per pattern (section 7): the one-way ones have one.
const MESSAGES = {
  N: 1, K: 1, X: 1, NN: 2, KN: 2, NK: 2, KK: 2, NX: 2, KX: 2, XN: 3, IN: 2, XK: 3, IK: 2, XX: 3, IX: 2
}
// Which sides have a static key at all.
const HAS_STATIC = {
  N: [0, 1], K: [1, 1], X: [1, 1], NN: [0, 0], KN: [1, 0], NK: [0, 1], KK: [1, 1], NX: [0, 1],
  KX: [1, 1], XN: [1, 0], IN: [1, 0], XK: [1, 1], IK: [1, 1], XX: [1, 1], IX: [1, 1]
}

const hex = (b) => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'))
const unhex = (t) => (t === '-' ? Buffer.alloc(0) : Buffer.from(t, 'hex'))

function keypair (secret) {
  const publicKey = Buffer.alloc(32)
  crypto_scalarmult_base(publicKey, secret)
  return { publicKey, secretKey: Buffer.from(secret) }
}

// Two quirks of noise-protocol 3.0.2 are worked around here, not copied:
//  - initialize() asks for a local static key pair on both sides whenever the
//    initiator's messages carry `s` (even on the responder, which never uses
//    it): a side without one gets an unused dummy key pair;
//  - its Split hands the writer of the last message {tx: c1, rx: c2} and the
//    reader {rx: c1, tx: c2}, whoever the initiator is; the specification
//    (section 5.2) has c1 for initiator to responder. For the patterns in
//    which the responder writes last (NN, KN, NK, KK, NX, KX, IN, IK, IX) the
//    package thus uses c2 where the specification uses c1; the transport
//    messages below are mapped back to the specification's c1 and c2.
const DUMMY = keypair(Buffer.alloc(32, 7))

// The transport cipher states of one side as the specification's c1 and c2.
function specCiphers (split, wroteLast) {
  return wroteLast ? { c1: split.tx, c2: split.rx } : { c1: split.rx, c2: split.tx }
}

let runs = 0

// Runs one vector; returns the transcript (ciphertexts) and handshake hash.
function run (v) {
  const pattern = v.pattern
  const pre = PATTERNS[pattern]
  const si = v.si ? keypair(v.si) : null
  const sr = v.sr ? keypair(v.sr) : null
  const init = noise.initialize(pattern, true, v.prologue, si || DUMMY, null, pre.i ? sr.publicKey : null)
  const resp = noise.initialize(pattern, false, v.prologue, sr || DUMMY, null, pre.r ? si.publicKey : null)
  const count = MESSAGES[pattern]
  const initWritesLast = count % 2 === 1
  const out = []
  let splitI = null
  let splitR = null
  for (let m = 0; m < v.payloads.length; m++) {
    const fromInit = count === 1 || m % 2 === 0
    const payload = v.payloads[m]
    const wire = Buffer.alloc(payload.length + 200)
    const got = Buffer.alloc(payload.length + 200)
    let written
    let read
    if (m < count) {
      nextEphemeral = fromInit ? v.ei : v.er
      const w = noise.writeMessage(fromInit ? init : resp, payload, wire)
      written = noise.writeMessage.bytes
      const r = noise.readMessage(fromInit ? resp : init, wire.subarray(0, written), got)
      read = noise.readMessage.bytes
      if (w) { if (fromInit) splitI = w; else splitR = w }
      if (r) { if (fromInit) splitR = r; else splitI = r }
    } else {
      const ci = specCiphers(splitI, initWritesLast)
      const cr = specCiphers(splitR, !initWritesLast)
      const tx = fromInit ? ci.c1 : cr.c2
      const rx = fromInit ? cr.c1 : ci.c2
      cipherState.encryptWithAd(tx, wire, Buffer.alloc(0), payload)
      written = cipherState.encryptWithAd.bytesWritten
      cipherState.decryptWithAd(rx, got, Buffer.alloc(0), wire.subarray(0, written))
      read = cipherState.decryptWithAd.bytesWritten
    }
    if (!Buffer.from(got.subarray(0, read)).equals(Buffer.from(payload))) throw new Error(`message ${m}: payload read back differs`)
    out.push(Buffer.from(wire.subarray(0, written)))
  }
  const h = Buffer.from(init.symmetricState.subarray(hash.HASHLEN, 2 * hash.HASHLEN))
  const hr = Buffer.from(resp.symmetricState.subarray(hash.HASHLEN, 2 * hash.HASHLEN))
  if (!h.equals(hr)) throw new Error('the two sides disagree on the handshake hash')
  noise.destroy(init)
  noise.destroy(resp)
  // The package's buffers are locked memory (sodium_malloc), freed only by
  // the garbage collector: collect often or mlock's limit is reached (ENOMEM).
  if (typeof global.gc === 'function' && ++runs % 20 === 0) global.gc()
  return { transcript: out, hash: h }
}

function parse (line) {
  const f = line.trim().split(/\s+/)
  const name = f[0]
  const m = /^Noise_([A-Z]+)_25519_ChaChaPoly_BLAKE2b$/.exec(name)
  if (!m || !PATTERNS[m[1]]) return null
  const field = (t) => (t === 'none' ? null : unhex(t))
  const v = {
    name, pattern: m[1], prologue: unhex(f[1]), si: field(f[2]), ei: field(f[3]),
    sr: field(f[7]), er: field(f[8]), hash: unhex(f[11]), payloads: [], ciphertexts: []
  }
  const n = parseInt(f[12], 10)
  for (let i = 0; i < n; i++) {
    v.payloads.push(unhex(f[13 + 2 * i]))
    v.ciphertexts.push(unhex(f[14 + 2 * i]))
  }
  return v
}

function check (text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  let passed = 0
  const failures = []
  for (const line of lines) {
    const v = parse(line)
    if (v === null) { failures.push(`not a vector this package can run: ${line.slice(0, 40)}`); continue }
    try {
      const r = run(v)
      r.transcript.forEach((c, i) => {
        if (!c.equals(v.ciphertexts[i])) throw new Error(`${v.name}: message ${i} differs`)
      })
      if (!r.hash.equals(v.hash)) throw new Error(`${v.name}: handshake hash differs`)
      passed++
    } catch (e) {
      failures.push(e.message)
    }
  }
  if (lines.length === 0) console.log('FAIL noise differential (ours checked by noise-protocol): no vectors read (zero cases)')
  else if (failures.length) console.log(`FAIL noise differential (ours checked by noise-protocol): ${failures.length} of ${lines.length} failed, first: ${failures[0]}`)
  else console.log(`PASS noise differential (ours checked by noise-protocol): ${passed} random handshakes + transport messages over 15 patterns, byte for byte`)
}

function make (count, seed) {
  let state = BigInt(seed) | 1n
  const next = () => {
    state ^= (state << 13n) & 0xffffffffffffffffn
    state ^= state >> 7n
    state ^= (state << 17n) & 0xffffffffffffffffn
    return Number(state & 0xffn)
  }
  const bytes = (n) => Buffer.from(Array.from({ length: n }, next))
  const names = Object.keys(PATTERNS)
  const lines = []
  for (let c = 0; c < count; c++) {
    const pattern = names[next() % names.length]
    const [hi, hr] = HAS_STATIC[pattern]
    const v = {
      pattern, prologue: bytes(next() % 40), si: hi ? bytes(32) : null, ei: bytes(32),
      sr: hr ? bytes(32) : null, er: MESSAGES[pattern] > 1 ? bytes(32) : null, payloads: []
    }
    const total = MESSAGES[pattern] + 1 + (next() % 4)
    for (let i = 0; i < total; i++) v.payloads.push(bytes(next() % 300))
    const r = run(v)
    const pre = PATTERNS[pattern]
    const k = (b) => (b === null ? 'none' : hex(b))
    const fields = [`Noise_${pattern}_25519_ChaChaPoly_BLAKE2b`,
      hex(v.prologue), k(v.si), k(v.ei), pre.i ? hex(keypair(v.sr).publicKey) : 'none', 'none',
      hex(v.prologue), k(v.sr), k(v.er), pre.r ? hex(keypair(v.si).publicKey) : 'none', 'none',
      hex(r.hash), String(total)]
    v.payloads.forEach((p, i) => fields.push(hex(p), hex(r.transcript[i])))
    lines.push(fields.join(' '))
  }
  process.stdout.write(lines.join('\n') + '\n')
}

if (process.argv[2] === 'check') {
  check(require('fs').readFileSync(0, 'utf8'))
} else if (process.argv[2] === 'make' && process.argv.length === 5) {
  make(parseInt(process.argv[3], 10), process.argv[4])
} else {
  console.error('usage: differential.cjs check < lines | make N SEED')
  process.exit(2)
}
