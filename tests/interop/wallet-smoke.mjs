// Throwaway wallet for tests/interop/issuer.mjs: plain fetch + jose, no OID4VCI client library.
// Runs the pre-authorized code flow in several shapes (OpenID4VCI 1.0 and Draft 13
// style) plus negative cases, and prints "N passed, N failed" at the end.
//
// Usage: node wallet-smoke.mjs [ISSUER_ORIGIN]   (no argument: starts issuer.mjs itself)
//        VERBOSE=1 node wallet-smoke.mjs          (print every request/response body)

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import crypto from 'node:crypto'
import * as jose from 'jose'

const VERBOSE = !!process.env.VERBOSE
let child
let origin = process.argv[2]
const t0 = performance.now()
if (!origin) {
  child = spawn(process.execPath, [new URL('./issuer.mjs', import.meta.url).pathname, '0'], { stdio: ['ignore', 'pipe', VERBOSE ? 'inherit' : 'ignore'] })
  origin = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout })
    rl.once('line', (l) => resolve(l.replace(/^listening /, '')))
    child.once('exit', (c) => reject(new Error('issuer exited ' + c)))
  })
  console.log(`issuer started at ${origin} in ${Math.round(performance.now() - t0)} ms`)
}

let passed = 0, failed = 0
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`) } else { failed++; console.log(`FAIL ${name}${detail ? ' :: ' + detail : ''}`) }
}
function show(label, obj) { if (VERBOSE) console.log(`--- ${label}\n${typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2)}`) }

async function http(method, url, { json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers } }
  if (json) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(json) }
  if (form) { init.headers['content-type'] = 'application/x-www-form-urlencoded'; init.body = new URLSearchParams(form).toString() }
  show(`${method} ${url}`, json ?? form ?? '')
  const res = await fetch(url, init)
  const text = await res.text()
  let body; try { body = JSON.parse(text) } catch { body = text }
  show(`=> ${res.status}`, body)
  return { status: res.status, body }
}

// ---------- holder keys ----------
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
function base58btc(bytes) {
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex')), s = ''
  while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n }
  for (const b of bytes) { if (b === 0) s = '1' + s; else break }
  return s
}
function unbase58btc(s) {
  let n = 0n
  for (const c of s) n = n * 58n + BigInt(B58.indexOf(c))
  let hex = n.toString(16); if (hex.length % 2) hex = '0' + hex
  return Buffer.concat([Buffer.alloc(s.match(/^1*/)[0].length), Buffer.from(hex, 'hex')])
}
async function holder(kind) {
  const alg = kind === 'ed25519-did-key' ? 'EdDSA' : 'ES256'
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true })
  const jwk = await jose.exportJWK(publicKey)
  if (kind === 'ed25519-did-key') {
    const did = 'did:key:z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(jwk.x, 'base64url')]))
    return { alg, privateKey, did, header: { kid: `${did}#${did.slice(8)}` } }
  }
  if (kind === 'p256-did-jwk') {
    const did = 'did:jwk:' + Buffer.from(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).toString('base64url')
    return { alg, privateKey, did, header: { kid: `${did}#0` } }
  }
  return { alg, privateKey, did: undefined, header: { jwk } } // 'p256-jwk': no DID
}
async function proofJwt(h, { aud, nonce, typ = 'openid4vci-proof+jwt', iat = Math.floor(Date.now() / 1000) }) {
  const payload = { aud, iat }
  if (nonce !== undefined) payload.nonce = nonce
  return new jose.SignJWT(payload).setProtectedHeader({ typ, alg: h.alg, ...h.header }).sign(h.privateKey)
}

// ---------- discovery ----------
function wellKnown(id, name, inserted) {
  const u = new URL(id)
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')
  return inserted ? `${u.origin}/.well-known/${name}${path}` : `${u.origin}${path}/.well-known/${name}`
}
async function getOffer(pin) {
  const { body } = await http('GET', `${origin}/offer?pin=${pin ? 1 : 0}`)
  const offer = JSON.parse(new URL(body.offer).searchParams.get('credential_offer'))
  return { offer, txCode: body.tx_code, uri: body.offer }
}
async function discover(credentialIssuer) {
  const ins = await http('GET', wellKnown(credentialIssuer, 'openid-credential-issuer', true))
  const app = await http('GET', wellKnown(credentialIssuer, 'openid-credential-issuer', false))
  const md = ins.status === 200 ? ins.body : app.body
  const asId = md.authorization_servers?.[0] ?? credentialIssuer
  let as = await http('GET', wellKnown(asId, 'oauth-authorization-server', true))
  if (as.status !== 200) as = await http('GET', wellKnown(asId, 'openid-configuration', false))
  return { md, as: as.body, insertedOk: ins.status === 200, appendedOk: app.status === 200, asFound: as.status === 200 }
}
async function token(as, offer, txCode) {
  const g = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']
  const form = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': g['pre-authorized_code'] }
  if (txCode !== undefined) form.tx_code = txCode
  return http('POST', as.token_endpoint, { form })
}
const issuerJwkFromDidKey = (did) => ({ kty: 'OKP', crv: 'Ed25519', x: unbase58btc(did.slice(9)).subarray(2).toString('base64url') })
async function checkCredential(name, jwt, h) {
  const header = jose.decodeProtectedHeader(jwt)
  const claims = jose.decodeJwt(jwt)
  const issDid = claims.iss
  let sigOk = false
  try { await jose.jwtVerify(jwt, await jose.importJWK(issuerJwkFromDidKey(issDid), header.alg)); sigOk = true } catch (e) { sigOk = false }
  check(`${name}: credential is a VC-JWT signed ${header.alg} by ${issDid?.slice(0, 16)}…`, sigOk && header.alg === 'EdDSA' && issDid.startsWith('did:key:z6Mk'))
  check(`${name}: vc.type has OpenBadgeCredential`, claims.vc?.type?.includes('OpenBadgeCredential'))
  if (h.did) check(`${name}: sub and credentialSubject.id = holder DID`, claims.sub === h.did && claims.vc.credentialSubject.id === h.did, `sub=${claims.sub} csid=${claims.vc?.credentialSubject?.id}`)
  else check(`${name}: no DID in proof -> no sub/credentialSubject.id`, claims.sub === undefined && claims.vc.credentialSubject.id === undefined)
  show('credential header', header); show('credential payload', claims)
}

// ---------- scenarios ----------
async function flow(name, { pin, holderKind = 'ed25519-did-key', nonceFrom = 'endpoint', shape = 'proofs' }) {
  const h = await holder(holderKind)
  const { offer, txCode } = await getOffer(pin)
  check(`${name}: offer has ${pin ? 'a' : 'no'} tx_code`, !!offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code === !!pin && (pin ? /^\d{6}$/.test(txCode) : txCode === null))
  const { md, as } = await discover(offer.credential_issuer)
  const tok = await token(as, offer, pin ? txCode : undefined)
  check(`${name}: token 200`, tok.status === 200 && tok.body.access_token, JSON.stringify(tok.body))
  let nonce = tok.body.c_nonce
  if (nonceFrom === 'endpoint') {
    const n = await http('POST', md.nonce_endpoint)
    check(`${name}: nonce endpoint 200`, n.status === 200 && n.body.c_nonce, JSON.stringify(n.body))
    nonce = n.body.c_nonce
  }
  const jwt = await proofJwt(h, { aud: md.credential_issuer, nonce })
  const cfgId = offer.credential_configuration_ids[0]
  const cfg = md.credential_configurations_supported[cfgId]
  const req = shape === 'proofs' ? { credential_configuration_id: cfgId, proofs: { jwt: [jwt] } }
    : shape === 'proof' ? { credential_configuration_id: cfgId, proof: { proof_type: 'jwt', jwt } }
    : { format: cfg.format, credential_definition: cfg.credential_definition, proof: { proof_type: 'jwt', jwt } } // Draft 13
  const cr = await http('POST', md.credential_endpoint, { json: req, headers: { authorization: `Bearer ${tok.body.access_token}` } })
  return { cr, h, tok, md, offer, nonce, jwt }
}

async function main() {
  // discovery
  {
    const { offer } = await getOffer(false)
    const d = await discover(offer.credential_issuer)
    check('metadata at inserted well-known (1.0: /.well-known/openid-credential-issuer/issuer)', d.insertedOk)
    check('metadata at appended well-known (Draft 13 habit: /issuer/.well-known/openid-credential-issuer)', d.appendedOk)
    check('AS metadata at /.well-known/oauth-authorization-server/issuer', d.asFound && d.as.token_endpoint)
    check('issuer metadata has no authorization_servers (AS = credential_issuer)', d.md.authorization_servers === undefined)
  }
  // happy paths
  for (const [name, o] of [
    ['1.0 proofs, nonce endpoint, no pin', { pin: false }],
    ['1.0 proofs, nonce endpoint, pin', { pin: true }],
    ['proof (singular) + c_nonce from token', { pin: false, nonceFrom: 'token', shape: 'proof' }],
    ['did:jwk P-256 holder', { pin: true, holderKind: 'p256-did-jwk' }],
    ['jwk-header holder (no DID)', { pin: false, holderKind: 'p256-jwk' }],
  ]) {
    const { cr, h } = await flow(name, o)
    const ok = cr.status === 200 && Array.isArray(cr.body.credentials) && typeof cr.body.credentials[0]?.credential === 'string'
    check(`${name}: credential 200 with credentials[0].credential`, ok, `${cr.status} ${JSON.stringify(cr.body)}`)
    if (ok) {
      check(`${name}: no top-level credential/format (1.0 response)`, cr.body.credential === undefined && cr.body.format === undefined)
      await checkCredential(name, cr.body.credentials[0].credential, h)
    }
  }
  // Draft 13 request shape (format + credential_definition, no credential_configuration_id)
  {
    const { cr } = await flow('Draft 13 request', { pin: false, nonceFrom: 'token', shape: 'draft13' })
    check('Draft 13 request (format+credential_definition) is rejected', cr.status >= 400, `${cr.status} ${JSON.stringify(cr.body)}`)
    console.log(`     -> ${cr.status} ${JSON.stringify(cr.body)}`)
  }
  // negative: token endpoint
  {
    const { offer, txCode } = await getOffer(true)
    const { as } = await discover(offer.credential_issuer)
    const wrong = await token(as, offer, txCode === '000000' ? '111111' : '000000')
    check('wrong tx_code -> 400 invalid_grant', wrong.status === 400 && wrong.body.error === 'invalid_grant', JSON.stringify(wrong.body))
    console.log(`     -> ${wrong.status} ${JSON.stringify(wrong.body)}`)
    const missing = await token(as, offer, undefined)
    check('missing tx_code -> 400', missing.status === 400, JSON.stringify(missing.body))
    console.log(`     -> ${missing.status} ${JSON.stringify(missing.body)}`)
    const good = await token(as, offer, txCode)
    check('right tx_code after failures -> 200', good.status === 200, JSON.stringify(good.body))
    const again = await token(as, offer, txCode)
    console.log(`     pre-authorized code reused at the token endpoint -> ${again.status} ${JSON.stringify(again.body)}`)
    const { offer: o2 } = await getOffer(false)
    const extra = await token(as, o2, '1234')
    console.log(`     tx_code sent for an offer without tx_code -> ${extra.status} ${JSON.stringify(extra.body)}`)
    const bogus = await token(as, { grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': 'nope' } } }, undefined)
    check('unknown pre-authorized code -> 400', bogus.status === 400, JSON.stringify(bogus.body))
    console.log(`     -> ${bogus.status} ${JSON.stringify(bogus.body)}`)
  }
  // negative: proof checks at the credential endpoint
  for (const [name, mutate] of [
    ['wrong nonce', { nonce: 'not-a-nonce' }],
    ['no nonce', { nonce: undefined }],
    ['typ JWT', { typ: 'JWT' }],
    ['wrong aud', { aud: 'http://127.0.0.1:1/other' }],
  ]) {
    const h = await holder('ed25519-did-key')
    const { offer } = await getOffer(false)
    const { md, as } = await discover(offer.credential_issuer)
    const tok = await token(as, offer)
    const n = (await http('POST', md.nonce_endpoint)).body.c_nonce
    const opts = { aud: md.credential_issuer, nonce: n, ...mutate }
    if ('nonce' in mutate) opts.nonce = mutate.nonce
    const jwt = await proofJwt(h, opts)
    const cr = await http('POST', md.credential_endpoint, { json: { credential_configuration_id: offer.credential_configuration_ids[0], proofs: { jwt: [jwt] } }, headers: { authorization: `Bearer ${tok.body.access_token}` } })
    check(`proof with ${name} is rejected`, cr.status >= 400, `${cr.status} ${JSON.stringify(cr.body)}`)
    console.log(`     -> ${cr.status} ${JSON.stringify(cr.body)}`)
  }
  // nonce replay and bad signature
  {
    const r = await flow('nonce replay (first use)', { pin: false })
    check('nonce replay: first use 200', r.cr.status === 200)
    const again = await http('POST', r.md.credential_endpoint, { json: { credential_configuration_id: r.offer.credential_configuration_ids[0], proofs: { jwt: [r.jwt] } }, headers: { authorization: `Bearer ${r.tok.body.access_token}` } })
    check('same proof (same nonce) again is rejected', again.status >= 400, `${again.status} ${JSON.stringify(again.body)}`)
    console.log(`     -> ${again.status} ${JSON.stringify(again.body)}`)
    const parts = (await proofJwt(r.h, { aud: r.md.credential_issuer, nonce: r.cr.body.c_nonce })).split('.')
    parts[2] = Buffer.from(crypto.randomBytes(64)).toString('base64url')
    const bad = await http('POST', r.md.credential_endpoint, { json: { credential_configuration_id: r.offer.credential_configuration_ids[0], proofs: { jwt: [parts.join('.')] } }, headers: { authorization: `Bearer ${r.tok.body.access_token}` } })
    check('proof with a bad signature is rejected', bad.status >= 400, `${bad.status} ${JSON.stringify(bad.body)}`)
    console.log(`     -> ${bad.status} ${JSON.stringify(bad.body)}`)
    const noAuth = await http('POST', r.md.credential_endpoint, { json: { credential_configuration_id: r.offer.credential_configuration_ids[0], proofs: { jwt: [r.jwt] } } })
    check('credential request without access token is rejected', noAuth.status >= 400, `${noAuth.status} ${JSON.stringify(noAuth.body)}`)
    console.log(`     -> ${noAuth.status} ${JSON.stringify(noAuth.body)}`)
  }
}

try {
  await main()
} catch (e) {
  failed++
  console.log('FAIL unexpected error: ' + (e?.stack ?? e))
} finally {
  child?.kill('SIGTERM')
}
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed ? 1 : 0
