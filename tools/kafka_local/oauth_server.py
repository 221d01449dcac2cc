#!/usr/bin/env python3
"""oauth_server.py: the OAuth 2 / OIDC token server of `tools/kafka-local start --secure`.

A small authorization server on 127.0.0.1 for testing SASL/OAUTHBEARER
(KIP-768) against a real broker: it issues RS256-signed JWTs to clients that
log in with the client-credentials grant and publishes the public key as a
JWKS, which Kafka's OAuthBearerValidatorCallbackHandler fetches to check the
tokens. Python standard library only; the RSA key is made by openssl.

  oauth_server.py serve --port P --key KEY.pem --clients CLIENTS.json --issuer URL --audience AUD
                        [--https-port Q --cert CERT.pem --cert-key CERT_KEY.pem]
  oauth_server.py token --url TOKEN_URL --client-id ID --client-secret SECRET [--scope S] [--ca-file CA.pem]

With --https-port the same endpoints are also served over TLS (TLS 1.2 or
1.3) on 127.0.0.1:Q with the certificate CERT (kafka-local's: signed by its
test CA, subjectAltName DNS:localhost and IP:127.0.0.1), beside the plain
http listener, which brokers keep using for the JWKS. A client that refuses
the certificate shows up in the log as a failed handshake.

Endpoints (serve):
  POST /token   grant_type=client_credentials; the client authenticates with
                HTTP Basic (as Java and librdkafka do) or client_id and
                client_secret in the form; optional scope (space-separated).
                200 {"access_token","token_type":"Bearer","expires_in","scope"};
                401 {"error":"invalid_client"} for an unknown client or a wrong
                secret; 400 unsupported_grant_type / invalid_scope / invalid_request.
  GET  /jwks    {"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid","n","e"}]}
                (also /.well-known/jwks.json)
  GET  /.well-known/openid-configuration   issuer, token_endpoint, jwks_uri

CLIENTS.json maps a client id to {"secret", "lifetime_s", "scopes" (allowed),
"default_scope", "expired" (true: every token has expired 5 minutes ago,
beyond Kafka's 30 s clock skew, for negative tests)}. Tokens carry iss, aud,
sub (= the client id), client_id, scope, iat, nbf, exp and jti. Secrets are
never logged.
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

EXPIRED_AGO_S = 300  # how long before issue an "expired" client's tokens expired

# DigestInfo prefix of a SHA-256 hash (RFC 8017, 9.2 note 1): EMSA-PKCS1-v1_5.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def der_integers(der):
    """The INTEGERs of a DER SEQUENCE of INTEGERs (a PKCS#1 RSAPrivateKey)."""
    def length(i):
        first = der[i]
        if first < 0x80:
            return first, i + 1
        k = first & 0x7F
        return int.from_bytes(der[i + 1:i + 1 + k], "big"), i + 1 + k

    if der[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    _, i = length(1)
    out = []
    while i < len(der):
        if der[i] != 0x02:
            raise ValueError(f"DER: expected INTEGER at {i}")
        n, i = length(i + 1)
        out.append(int.from_bytes(der[i:i + n], "big"))
        i += n
    return out


class RsaKey:
    """An RSA private key read from a PEM file with the openssl command."""

    def __init__(self, pem_path):
        der = subprocess.run(["openssl", "rsa", "-in", pem_path, "-outform", "DER", "-traditional"],
                             check=True, capture_output=True).stdout
        ints = der_integers(der)
        if len(ints) < 9 or ints[0] != 0:
            raise ValueError(f"{pem_path}: not a two-prime RSA private key")
        self.n, self.e, self.d, self.p, self.q, self.dp, self.dq, self.qinv = ints[1:9]
        self.size = (self.n.bit_length() + 7) // 8
        self.kid = hashlib.sha256(int_bytes(self.n)).hexdigest()[:16]

    def sign_rs256(self, message):
        digest = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        em = b"\x00\x01" + b"\xff" * (self.size - len(digest) - 3) + b"\x00" + digest
        m = int.from_bytes(em, "big")
        # CRT: about 3x faster than pow(m, d, n)
        m1, m2 = pow(m, self.dp, self.p), pow(m, self.dq, self.q)
        s = m2 + self.q * ((self.qinv * (m1 - m2)) % self.p)
        return s.to_bytes(self.size, "big")

    def jwk(self):
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64url(int_bytes(self.n)), "e": b64url(int_bytes(self.e))}


def make_jwt(key, claims):
    header = {"alg": "RS256", "typ": "JWT", "kid": key.kid}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode()))
    return signing_input + "." + b64url(key.sign_rs256(signing_input.encode()))


class TokenIssuer:
    """What /token answers: (HTTP status, JSON body, log text); no I/O."""

    def __init__(self, key, clients, issuer, audience):
        self.key, self.clients, self.issuer, self.audience = key, clients, issuer, audience

    def issue(self, form, basic_auth, now):
        client_id, secret = basic_auth if basic_auth else (form.get("client_id"), form.get("client_secret"))
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type",
                         "error_description": "only grant_type=client_credentials is served"}, \
                f"grant_type={form.get('grant_type')!r} refused"
        client = self.clients.get(client_id or "")
        if client is None or not hmac.compare_digest((secret or "").encode(), client["secret"].encode()):
            why = "unknown client" if client is None else "wrong client secret"
            return 401, {"error": "invalid_client", "error_description": f"{why} '{client_id}'"}, \
                f"client {client_id!r}: {why}"
        requested = form.get("scope", "").split()
        allowed = client.get("scopes", [])
        bad = [s for s in requested if s not in allowed]
        if bad:
            return 400, {"error": "invalid_scope",
                         "error_description": f"scope {' '.join(bad)} is not allowed for '{client_id}' "
                                              f"(allowed: {' '.join(allowed)})"}, \
                f"client {client_id!r}: invalid scope {bad}"
        scope = " ".join(requested) if requested else client.get("default_scope", "")
        lifetime = int(client.get("lifetime_s", 3600))
        iat = int(now) - (lifetime + EXPIRED_AGO_S if client.get("expired") else 0)
        claims = {"iss": self.issuer, "aud": self.audience, "sub": client_id, "client_id": client_id,
                  "scope": scope, "iat": iat, "nbf": iat, "exp": iat + lifetime,
                  "jti": binascii.hexlify(os.urandom(8)).decode()}
        body = {"access_token": make_jwt(self.key, claims), "token_type": "Bearer",
                "expires_in": claims["exp"] - int(now), "scope": scope}
        return 200, body, f"client {client_id!r}: token, scope {scope!r}, exp in {body['expires_in']} s"


def basic_credentials(header):
    """(client_id, secret) from an Authorization: Basic header (RFC 6749 2.3.1
    form-urlencodes both; unencoded values without '%' or '+' decode to themselves)."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in raw:
        return None
    cid, secret = raw.split(":", 1)
    return urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "sluice-kafka-local-oauth/1"
    issuer_state = None  # a TokenIssuer, set by serve()
    discovery = None

    def log_message(self, fmt, *args):  # one line per request on stderr, no secrets
        sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), fmt % args))

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/jwks", "/.well-known/jwks.json"):
            self.reply(200, {"keys": [self.issuer_state.key.jwk()]})
        elif path == "/.well-known/openid-configuration":
            self.reply(200, self.discovery)
        else:
            self.reply(404, {"error": "not_found", "error_description": f"no {path} here (see /token, /jwks)"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if path != "/token":
            self.reply(404, {"error": "not_found", "error_description": f"POST {path}: only /token"})
            return
        n = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode(errors="replace")))
        status, body, note = self.issuer_state.issue(form, basic_credentials(self.headers.get("Authorization")),
                                                     time.time())
        self.log_message("POST /token -> %d: %s", status, note)
        self.reply(status, body)


class HttpsHandler(Handler):
    """The same endpoints on the https listener (its own discovery document)."""
    discovery = None


class TlsServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer over TLS. The handshake runs in the request's
    thread, not in accept(), so a client that stalls or refuses the
    certificate holds up nobody else; its failure is logged."""

    def __init__(self, address, handler, context):
        super().__init__(address, handler)
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def finish_request(self, request, client_address):
        request.settimeout(10)
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError) as e:
            sys.stderr.write("%s https handshake with %s:%s failed: %s\n" % (
                time.strftime("%Y-%m-%dT%H:%M:%S"), client_address[0], client_address[1], e))
            return
        super().finish_request(request, client_address)


def discovery(issuer, base):
    return {"issuer": issuer, "token_endpoint": base + "/token", "jwks_uri": base + "/jwks",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "id_token_signing_alg_values_supported": ["RS256"]}


def serve(a):
    key = RsaKey(a.key)
    with open(a.clients) as f:
        clients = json.load(f)
    base = f"http://127.0.0.1:{a.port}"
    Handler.issuer_state = TokenIssuer(key, clients, a.issuer, a.audience)
    Handler.discovery = discovery(a.issuer, base)
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)]
    where = base
    if a.https_port:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(a.cert, a.cert_key)
        https_base = f"https://127.0.0.1:{a.https_port}"
        HttpsHandler.discovery = discovery(a.issuer, https_base)
        servers.append(TlsServer(("127.0.0.1", a.https_port), HttpsHandler, context))
        where += f" and {https_base} (certificate {a.cert})"
    sys.stderr.write(f"oauth server on {where} (kid {key.kid}, clients {', '.join(sorted(clients))})\n")
    sys.stderr.flush()
    for srv in servers[1:]:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    servers[0].serve_forever()


def fetch_token(a):
    form = {"grant_type": "client_credentials"}
    if a.scope:
        form["scope"] = a.scope
    auth = base64.b64encode(f"{a.client_id}:{a.client_secret}".encode()).decode()
    req = urllib.request.Request(a.url, data=urllib.parse.urlencode(form).encode(),
                                 headers={"Authorization": "Basic " + auth,
                                          "Content-Type": "application/x-www-form-urlencoded"})
    context = ssl.create_default_context(cafile=a.ca_file) if a.ca_file else None
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        sys.stderr.write(f"token endpoint {a.url}: HTTP {e.code}: {e.read().decode(errors='replace')}\n")
        return 1
    except (urllib.error.URLError, OSError) as e:
        sys.stderr.write(f"token endpoint {a.url} unreachable: {e}\n")
        return 1
    print(body["access_token"])
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--key", required=True, help="RSA private key, PEM")
    s.add_argument("--clients", required=True, help="JSON: client id -> settings")
    s.add_argument("--issuer", required=True)
    s.add_argument("--audience", required=True)
    s.add_argument("--https-port", type=int, help="also serve https on this port (needs --cert, --cert-key)")
    s.add_argument("--cert", help="the https listener's certificate, PEM")
    s.add_argument("--cert-key", help="its private key, PEM")
    t = sub.add_parser("token")
    t.add_argument("--url", required=True)
    t.add_argument("--client-id", required=True)
    t.add_argument("--client-secret", required=True)
    t.add_argument("--scope")
    t.add_argument("--ca-file", help="for an https URL: the CA that signed the server's certificate")
    a = ap.parse_args(argv)
    if a.cmd == "serve" and a.https_port and not (a.cert and a.cert_key):
        ap.error("--https-port needs --cert and --cert-key")
    return serve(a) if a.cmd == "serve" else fetch_token(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
