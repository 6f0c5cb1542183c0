#!/usr/bin/env python3
"""Build the seed corpora in fuzz/corpus/<target>/ from the public vectors
(BACKPACK_VECTORS, default tests/vectors) and tests/fixtures.
Seeds are kept small (AFL works best on inputs of a few KB). Standard
library only. The backup_restore seed is written by `cargo run --example
seed_backup` (it needs the core), see scripts/fuzz.sh."""
import base64, json, os, re, shutil, struct, sys, zlib

V = os.environ.get("BACKPACK_VECTORS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "vectors")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
C = os.path.join(HERE, "corpus")
VC = f"{V}/1edtech-validator/inspector-vc/src/test/resources"

def put(target, name, data):
    d = os.path.join(C, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def read(p):
    with open(p, "rb") as f:
        return f.read()

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

def png(chunks):
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(chunks) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

def itxt(key, text, compressed=False):
    body = text.encode()
    if compressed:
        body = zlib.compress(body)
    return chunk(b"iTXt", key + b"\x00" + (b"\x01\x00" if compressed else b"\x00\x00") + b"\x00\x00" + body)

def svg(inner, ns="https://purl.imsglobal.org/ob/v3p0"):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:openbadges="{ns}" width="1" height="1">{inner}<rect width="1" height="1"/></svg>')

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def main():
    shutil.rmtree(C, ignore_errors=True)
    ob3 = read(f"{VC}/ob30/simple.json").decode()
    ob3_min = json.dumps(json.loads(ob3), separators=(",", ":"))
    ob2 = read(f"{VC}/ob20/basic-assertion.json").decode()
    jwt3 = read(f"{VC}/ob30/simple.jwt").decode().strip()
    jwt2 = read(f"{VC}/ob20/simple.jwt").decode().strip()
    signed = {
        "di-rdfc.json": read(f"{V}/vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"),
        "ed2020.json": read(f"{V}/vc-di-eddsa/Ed25519Signature2020/signedEdSig.json"),
        "ob3-did-key.json": read(f"{VC}/ob30/simple-did-key-method.json"),
    }
    dcc = f"{V}/dcc/vc-test-fixtures/verifiableCredentials"
    for root, _, files in os.walk(dcc):
        for f in sorted(files):
            if f == "noRegistry-noStatus-noExpiry.json" and "didKey" in root and "v2" in root and "dataIntegrity" in root:
                signed["dcc-v2-di.json"] = read(os.path.join(root, f))
    baked = {
        "itxt.png": png([itxt(b"openbadgecredential", ob3_min)]),
        "itxt-z.png": png([itxt(b"openbadgecredential", ob3_min, True)]),
        "itxt-jwt.png": png([itxt(b"openbadgecredential", jwt3)]),
        "text-ob2.png": png([chunk(b"tEXt", b"openbadges\x00" + ob2.encode())]),
        "plain.png": png([]),
    }
    svgs = {
        "ob3-json.svg": read(f"{VC}/ob30/simple-json.svg"),
        "ob3-jwt.svg": read(f"{VC}/ob30/simple-jwt.svg"),
        "ob2-baked.svg": read(f"{V}/ob2/mozilla-openbadges-bakery/baked.svg"),
        "small.svg": svg(f"<openbadges:credential><![CDATA[{ob3_min}]]></openbadges:credential>"),
        "verify.svg": svg(f'<openbadges:credential verify="{jwt3}"/>'),
    }
    for n, b in baked.items():
        put("baked_png", n, b)
    for n, b in svgs.items():
        put("baked_svg", n, b)
    # import_bytes: one of every format.
    put("import_bytes", "ob3.json", ob3)
    put("import_bytes", "ob2.json", ob2)
    put("import_bytes", "ob3.jwt", jwt3)
    put("import_bytes", "ob2.jwt", jwt2)
    put("import_bytes", "itxt.png", baked["itxt.png"])
    put("import_bytes", "small.svg", svgs["small.svg"])
    put("import_bytes", "eqf-variants.json", read(f"{ROOT}/tests/fixtures/ob3-eqf-variants.json"))
    clr = read(f"{V}/1edtech-validator/inspector-clr/src/test/resources/clr20/simple.json") if os.path.exists(f"{V}/1edtech-validator/inspector-clr/src/test/resources/clr20/simple.json") else None
    if clr and len(clr) < 20000:
        put("import_bytes", "clr.json", clr)
    # jws
    put("jws", "ob3.jwt", jwt3)
    put("jws", "ob2.jwt", jwt2)
    put("jws", "spec.jws", read(f"{V}/ob2/spec/ob2-example-signed-assertion.extracted.jws"))
    jwk_jwt = re.search(rb"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", read(f"{VC}/ob30/simple-jwt.svg")).group(0)
    put("jws", "jwk-header.jwt", jwk_jwt)
    put("verify_offline", "jwk-header.jwt", jwk_jwt)
    for k in ("key1.json",):
        p = f"{VC}/ob20/assets/{k}"
        if os.path.exists(p):
            kd = json.loads(read(p))
            if "publicKeyPem" in kd:
                put("jws", "key.pem", kd["publicKeyPem"])
    put("jws", "jwk.json", json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64u(bytes(32))}))
    put("jws", "ec-jwk.json", json.dumps({"kty": "EC", "crv": "P-256", "x": b64u(bytes(32)), "y": b64u(bytes(32))}))
    # share_link: #c= (raw deflate) and #s=/&k= links.
    def deflate(b):
        z = zlib.compressobj(9, zlib.DEFLATED, -15)
        return z.compress(b) + z.flush()
    put("share_link", "c-json.txt", "https://v.example/verify/#c=" + b64u(deflate(ob3_min.encode())))
    put("share_link", "c-jwt.txt", "https://v.example/verify/#c=" + b64u(deflate(jwt3.encode())))
    put("share_link", "s.txt", "https://v.example/verify/#s=http%3A%2F%2F127.0.0.1%3A81%2Fpub%2Fab%20cd.bps&k=" + b64u(bytes([0xab] * 32)))
    # bps1: plaintexts (the object itself cannot be forged without the key).
    put("bps1", "plain-json.json", json.dumps({"v": 1, "credential": json.loads(ob3), "shared": "2026-11-25T09:00:00Z", "expires": "2027-01-01T00:00:00Z"}, separators=(",", ":")))
    put("bps1", "plain-jwt.json", json.dumps({"v": 1, "credential": jwt3, "shared": "2026-11-25T09:00:00Z"}, separators=(",", ":")))
    put("bps1", "header.bin", b"BPS1" + bytes(12) + bytes(16))
    # pathway_file
    put("pathway_file", "full.json", json.dumps({
        "type": "BackpackPathway", "version": 1, "name": "Data science minor", "description": "d",
        "goal": {"ects": 15, "hours": 40.5, "minEqf": 6, "deadline": "2027-06-30",
                 "requiredCredentials": [{"achievementId": "urn:uuid:a", "name": "Statistics"}],
                 "requiredOutcomes": ["can model data"]},
        "members": [{"achievementId": "urn:uuid:b"}, {"name": "Python"}]}, indent=1))
    put("pathway_file", "min.json", '{"type":"BackpackPathway","version":1,"name":"x"}')
    # verify_offline: signed credentials, a JWT, a baked PNG, a presentation.
    for n, b in signed.items():
        put("verify_offline", n, b)
    put("verify_offline", "ob3.jwt", jwt3)
    put("verify_offline", "ob2.jwt", jwt2)
    put("verify_offline", "itxt.png", baked["itxt.png"])
    put("verify_offline", "vp.json", json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                                                 "holder": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                                                 "verifiableCredential": [json.loads(signed["di-rdfc.json"])]}))
    # fetched_docs: status lists, revocation lists, DID documents.
    sl = f"{V}/dcc/vc-test-fixtures/statusLists/didkey-ed25519Signature2020"
    for n in ("e5WK8CbZ1GjycuPombrj", "tampered"):
        if os.path.exists(f"{sl}/{n}"):
            put("fetched_docs", f"status-{n}.json", read(f"{sl}/{n}"))
    for n in ("revocation-list.json", "empty-revocation-list.json"):
        if os.path.exists(f"{VC}/ob20/assets/{n}"):
            put("fetched_docs", n, read(f"{VC}/ob20/assets/{n}"))
    put("fetched_docs", "did-legacy.json", read(f"{V}/dcc/vc-test-fixtures/dids/legacy/did.json"))
    put("fetched_docs", "did-oidf.json", read(f"{V}/dcc/vc-test-fixtures/dids/oidf/did.json"))
    put("fetched_docs", "did-key.txt", "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(C) for f in fs)
    print(f"corpus: {total} bytes in {C}", file=sys.stderr)

if __name__ == "__main__":
    main()
