// A third-party OpenID4VCI credential issuer for the wallet's interop tests.
//
// The protocol side (offer state, pre-authorized code + tx_code check, token
// endpoint, nonce endpoint, proof checks, credential response shape, metadata
// endpoints) is Sphereon's OID4VCIServer/VcIssuer (@sphereon/oid4vci-issuer-server
// 0.20.1). This file only supplies what that server leaves to the host:
//   - the issuer key and DID (Ed25519, did:key),
//   - signing of access tokens and of the credential (jwt_vc_json, EdDSA),
//   - the JWT signature check it delegates (jwtVerifyCallback), used by the
//     server both for the access token and for the wallet's proof JWT,
//   - the credential data (an Open Badges 3.0 OpenBadgeCredential),
//   - GET /offer?pin=1|0 for the test harness, and request logging to stderr.
//
// Usage: node issuer.mjs [PORT]       (PORT 0 or absent: any free port)
// First stdout line: "listening http://127.0.0.1:PORT". Everything else goes to stderr.

import http from 'node:http'
import crypto from 'node:crypto'

// Sphereon logs with console.log/info; keep stdout for the one "listening" line.
for (const k of ['log', 'info', 'debug', 'warn']) console[k] = (...a) => console.error(...a)

const jose = await import('jose')
const { ExpressBuilder } = await import('@sphereon/ssi-express-support')
const { VcIssuerBuilder } = await import('@sphereon/oid4vci-issuer')
const { OID4VCIServer } = await import('@sphereon/oid4vci-issuer-server')

const PORT = Number(process.argv[2] ?? 0)
const BASE_PATH = process.env.ISSUER_BASE_PATH ?? '/issuer' // credential_issuer has a path on purpose
const CONFIG_ID = 'OpenBadgeCredential_jwt'

// ---------- keys and DIDs ----------
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
function base58btc(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'))
  let s = ''
  while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n }
  for (const b of bytes) { if (b === 0) s = '1' + s; else break }
  return s
}
function unbase58btc(s) {
  let n = 0n
  for (const c of s) { const i = B58.indexOf(c); if (i < 0) throw new Error('bad base58'); n = n * 58n + BigInt(i) }
  let hex = n.toString(16); if (hex.length % 2) hex = '0' + hex
  const lead = s.match(/^1*/)[0].length
  return Buffer.concat([Buffer.alloc(lead), Buffer.from(n === 0n ? '' : hex, 'hex')])
}
const b64u = (buf) => Buffer.from(buf).toString('base64url')

function didKeyFromEd25519Jwk(jwk) {
  return 'did:key:z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(jwk.x, 'base64url')]))
}
// did:key (Ed25519 0xed01, P-256 0x8024) and did:jwk -> public JWK
function jwkFromDid(did) {
  if (did.startsWith('did:jwk:')) return JSON.parse(Buffer.from(did.slice(8), 'base64url').toString())
  if (did.startsWith('did:key:z')) {
    const raw = unbase58btc(did.slice(9))
    if (raw[0] === 0xed && raw[1] === 0x01) return { kty: 'OKP', crv: 'Ed25519', x: b64u(raw.subarray(2)) }
    if (raw[0] === 0x80 && raw[1] === 0x24) {
      const k = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), raw.subarray(2)]), format: 'der', type: 'spki' })
      return k.export({ format: 'jwk' })
    }
    throw new Error('unsupported did:key multicodec ' + raw.subarray(0, 2).toString('hex'))
  }
  throw new Error('unsupported DID method: ' + did)
}

const issuerKeys = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
const issuerJwk = await jose.exportJWK(issuerKeys.publicKey)
const ISSUER_DID = didKeyFromEd25519Jwk(issuerJwk)
const ISSUER_KID = `${ISSUER_DID}#${ISSUER_DID.slice('did:key:'.length)}`

// ---------- HTTP ----------
const expressSupport = ExpressBuilder.fromServerOpts({ port: PORT, hostname: '127.0.0.1' }).build({ startListening: false })
const app = expressSupport.express

// Log every request and its response to stderr (after the body parsers ran).
app.use((req, res, next) => {
  const started = Date.now()
  let body
  const json = res.json.bind(res)
  res.json = (b) => { body = b; return json(b) }
  res.on('finish', () => {
    const entry = {
      t: new Date().toISOString(), method: req.method, url: req.originalUrl, status: res.statusCode, ms: Date.now() - started,
      reqHeaders: { 'content-type': req.headers['content-type'], authorization: req.headers.authorization, dpop: req.headers.dpop },
      reqBody: req.body && Object.keys(req.body).length ? req.body : undefined,
      resBody: body,
    }
    console.error('[issuer] ' + JSON.stringify(entry))
  })
  next()
})

const server = http.createServer(app)
await new Promise((resolve, reject) => { server.once('error', reject); server.listen(PORT, '127.0.0.1', resolve) })
const port = server.address().port
const ORIGIN = `http://127.0.0.1:${port}`
const ISSUER_URL = ORIGIN + BASE_PATH

// ---------- the Sphereon issuer ----------
const credentialConfigurationsSupported = {
  [CONFIG_ID]: {
    format: 'jwt_vc_json',
    scope: 'OpenBadgeCredential',
    cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
    credential_signing_alg_values_supported: ['EdDSA'],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'ES256'] } },
    credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
    display: [{ name: 'Interop Test Badge', locale: 'en-US' }],
  },
}

const authorizationServerMetadata = {
  issuer: ISSUER_URL,
  token_endpoint: `${ISSUER_URL}/token`,
  grant_types_supported: ['urn:ietf:params:oauth:grant-type:pre-authorized_code'],
  'pre-authorized_grant_anonymous_access_supported': true,
  response_types_supported: ['token'],
}

// Verifies a JWT's signature. The server calls this for the access token (our own
// EdDSA JWT) and for the wallet's proof JWT (typ openid4vci-proof+jwt); it then
// checks typ, aud, iat and the nonce itself (VcIssuer.validateCredentialRequestProof).
// Signature, exp/nbf (jose) and the DID -> key resolution are ours.
async function jwtVerifyCallback({ jwt }) {
  const header = jose.decodeProtectedHeader(jwt)
  // Route by key, not by typ, so that the typ check is the package's own.
  if (header.kid === ISSUER_KID) {
    const { payload } = await jose.jwtVerify(jwt, issuerKeys.publicKey, { issuer: ISSUER_URL })
    return { alg: header.alg, kid: header.kid, jwt: { header, payload } }
  }
  let did, didDocument, jwk
  if (header.kid && header.kid.startsWith('did:')) {
    did = header.kid.split('#')[0]
    jwk = jwkFromDid(did)
    didDocument = { '@context': 'https://www.w3.org/ns/did/v1', id: did, verificationMethod: [{ id: header.kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }] }
  } else if (header.jwk) {
    jwk = header.jwk
  } else {
    throw new Error('proof JWT has neither a DID kid nor a jwk header')
  }
  const { payload } = await jose.jwtVerify(jwt, await jose.importJWK(jwk, header.alg))
  return { alg: header.alg, kid: header.kid, did, didDocument, ...(did ? {} : { jwk }), jwt: { header, payload } }
}

async function accessTokenSignerCallback(jwt) {
  return new jose.SignJWT({ ...jwt.payload })
    .setProtectedHeader({ ...jwt.header, alg: 'EdDSA', kid: ISSUER_KID })
    .sign(issuerKeys.privateKey)
}

// The unsigned credential. VcIssuer sets credentialSubject.id to the proof's DID
// (when the proof used a DID kid) before calling the signer.
async function credentialDataSupplier(args) {
  const now = new Date()
  const input = args.credentialDataSupplierInput ?? {}
  return {
    format: 'jwt_vc_json',
    credential: {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: ISSUER_DID, type: ['Profile'], name: 'Interop Test Issuer' },
      validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      name: input.name ?? 'Interop Test Badge',
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: {
          id: `${ISSUER_URL}/achievements/interop`,
          type: ['Achievement'],
          name: input.name ?? 'Interop Test Badge',
          description: 'Issued by the OpenID4VCI interop issuer (Sphereon OID4VCIServer) in tests/interop.',
          criteria: { narrative: 'Complete the OpenID4VCI pre-authorized code flow.' },
        },
      },
    },
  }
}

// Signs the credential as a VC-JWT (vc claim, as Open Badges 3.0 §8.2 and
// OpenID4VCI jwt_vc_json describe it), EdDSA, kid = the issuer's did:key URL.
async function credentialSignerCallback(opts) {
  const vc = opts.credential
  const sub = Array.isArray(vc.credentialSubject) ? vc.credentialSubject[0]?.id : vc.credentialSubject?.id
  const iat = Math.floor(Date.now() / 1000)
  const payload = { iss: ISSUER_DID, jti: vc.id, nbf: iat, iat, vc }
  if (sub) payload.sub = sub
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: ISSUER_KID })
    .sign(issuerKeys.privateKey)
}

const vcIssuer = new VcIssuerBuilder()
  .withCredentialIssuer(ISSUER_URL)
  .withCredentialEndpoint(`${ISSUER_URL}/credentials`)
  .withNonceEndpoint(`${ISSUER_URL}/nonce`)
  .withAuthorizationMetadata(authorizationServerMetadata)
  .withIssuerDisplay({ name: 'Interop Test Issuer', locale: 'en-US' })
  .withCredentialConfigurationsSupported(credentialConfigurationsSupported)
  .withInMemoryCredentialOfferState()
  .withInMemoryCredentialOfferURIState()
  .withInMemoryCNonceState()
  .withJWTVerifyCallback(jwtVerifyCallback)
  .withCredentialDataSupplier(credentialDataSupplier)
  .withCredentialSignerCallback(credentialSignerCallback)
  .build()

// Our harness route goes before the server's routers.
app.get('/offer', async (req, res) => {
  try {
    const pin = req.query.pin === '1'
    const preAuthorizedCode = b64u(crypto.randomBytes(24))
    const grant = { 'pre-authorized_code': preAuthorizedCode }
    if (pin) grant.tx_code = { input_mode: 'numeric', length: 6, description: 'Enter the 6-digit code' }
    const result = await vcIssuer.createCredentialOfferURI({
      offerMode: 'VALUE',
      scheme: 'openid-credential-offer',
      credential_configuration_ids: [CONFIG_ID],
      grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': grant },
      ...(req.query.name ? { credentialDataSupplierInput: { name: String(req.query.name) } } : {}),
    })
    res.json({ offer: result.uri, tx_code: result.userPin ?? null })
  } catch (e) {
    console.error('[issuer] /offer failed', e)
    res.status(500).json({ error: String(e?.message ?? e) })
  }
})

new OID4VCIServer(expressSupport, {
  issuer: vcIssuer,
  baseUrl: ISSUER_URL,
  endpointOpts: {
    tokenEndpointOpts: { accessTokenSignerCallback, accessTokenIssuer: ISSUER_URL, tokenPath: `${BASE_PATH}/token` },
    // the server's own offer-management REST endpoints are not needed here
    createCredentialOfferOpts: { enabled: false },
  },
})

console.error(`[issuer] credential_issuer ${ISSUER_URL}, issuer DID ${ISSUER_DID}`)
process.stdout.write(`listening ${ORIGIN}\n`)

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
