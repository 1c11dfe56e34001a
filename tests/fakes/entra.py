"""
A local fake of Microsoft Entra ID's OpenID Connect endpoints, speaking the real protocol:
the tenant's discovery document, its signing keys (JWKS), the authorize endpoint (the
person in `signed_in` signs in at once and is sent back with a code and the state), and
the token endpoint (client secret and PKCE verifier checked; an RS256-signed ID token).
The site reaches it through ENTRA_LOGIN_BASE. `tamper` bends the next ID tokens: another
audience, issuer or nonce, an expired token, or a signature by a key not published.
"""

import base64
import hashlib
import itertools
import time
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.base import FakeService

LOGIN = "https://login.microsoftonline.com"


def _jwk(private_key, kid: str) -> dict:
    numbers = private_key.public_key().public_numbers()

    def b64(n: int) -> str:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"kty": "RSA", "use": "sig", "kid": kid, "alg": "RS256",
            "n": b64(numbers.n), "e": b64(numbers.e)}  # fmt: skip


class FakeEntra(FakeService):
    def __init__(self, *, tenant="11111111-2222-3333-4444-555555555555", client_id="entra-app",
                 client_secret="entra-secret"):  # fmt: skip
        super().__init__()
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signed_in: dict = {}  # the claims of whoever signs in next
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self._serial = itertools.count(1)

    @property
    def issuer(self) -> str:
        return f"{LOGIN}/{self.tenant}/v2.0"

    def person(self, oid: str, *, groups=(), amr=("pwd",), name="taro@pref.example.lg.jp"):
        self.signed_in = {"oid": oid, "groups": list(groups), "amr": list(amr),
                          "preferred_username": name, "given_name": "太郎",
                          "family_name": "川越", "email": name}  # fmt: skip

    def handle(self, request, method, path, query, raw):
        prefix = f"/{self.tenant}"
        if method == "GET" and path == f"{prefix}/v2.0/.well-known/openid-configuration":
            return request.send(200, {
                "issuer": self.issuer,
                "authorization_endpoint": f"{LOGIN}/{self.tenant}/oauth2/v2.0/authorize",
                "token_endpoint": f"{LOGIN}/{self.tenant}/oauth2/v2.0/token",
                "jwks_uri": f"{LOGIN}/{self.tenant}/discovery/v2.0/keys",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            })  # fmt: skip
        if method == "GET" and path == f"{prefix}/discovery/v2.0/keys":
            return request.send(200, {"keys": [_jwk(self.key, "fake-key-1")]})
        if method == "GET" and path == f"{prefix}/oauth2/v2.0/authorize":
            return self._authorize(request, parse_qs(query))
        if method == "POST" and path == f"{prefix}/oauth2/v2.0/token":
            return self._token(request, parse_qs(raw.decode()))
        return request.send(404, {"error": "not_found"})

    def _authorize(self, request, params):
        one = {name: values[0] for name, values in params.items()}
        if one.get("client_id") != self.client_id or one.get("code_challenge_method") != "S256":
            return request.send(400, {"error": "invalid_request"})
        code = f"code-{next(self._serial)}"
        self.codes[code] = {**one, "claims": dict(self.signed_in)}
        answer = urlencode({"code": code, "state": one.get("state", "")})
        return request.send(302, None, {"Location": f"{one['redirect_uri']}?{answer}"})

    def _token(self, request, form):
        one = {name: values[0] for name, values in form.items()}
        if one.get("client_id") != self.client_id or one.get("client_secret") != self.client_secret:
            return request.send(401, {"error": "invalid_client"})
        grant = self.codes.pop(one.get("code", ""), None)
        verifier = one.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            grant is None
            or grant["redirect_uri"] != one.get("redirect_uri")
            or challenge.rstrip(b"=").decode() != grant["code_challenge"]
        ):
            return request.send(400, {"error": "invalid_grant", "error_description": "bad code"})
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": f"sub-{grant['claims']['oid']}",
            "tid": self.tenant, "iat": now, "nbf": now, "exp": now + 3600,
            "nonce": grant.get("nonce", ""), "ver": "2.0", **grant["claims"],
        }  # fmt: skip
        tamper = dict(self.tamper)
        key = self.other_key if tamper.pop("sign_with_other_key", False) else self.key
        if "expired" in tamper:
            tamper.pop("expired")
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        claims.update(tamper)
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "fake-key-1"})
        return request.send(200, {"token_type": "Bearer", "scope": "openid profile",
                                  "expires_in": 3600, "access_token": "fake-access",
                                  "id_token": token})  # fmt: skip
