"""Unit tests for module_utils/_totp.py: RFC 6238 vectors, the pair of consecutive codes, seed parsing
(whose errors never echo the seed) and the otpauth:// URI."""

import base64
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from ansible_collections.accountguard.aws.plugins.module_utils import _totp

# RFC 6238 Appendix B, SHA1 column: the 20-byte ASCII key "12345678901234567890". The RFC lists 8-digit
# codes; a 6-digit code is the same truncated value modulo 10**6, i.e. the last 6 digits.
RFC_SEED = base64.b32encode(b"12345678901234567890").decode("ascii")
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize("when,code8", RFC_VECTORS)
def test_rfc6238_sha1_vectors(when, code8):
    assert _totp.code_at(RFC_SEED, when) == code8[-6:]


def test_codes_are_six_digit_strings_with_leading_zeros():
    code = _totp.code_at(RFC_SEED, 1111111109)
    assert code == "081804"
    assert isinstance(code, str) and len(code) == 6


@pytest.mark.parametrize("when", [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000, 1700000015.7])
def test_consecutive_codes_are_previous_and_current_window(when):
    first, second = _totp.consecutive_codes(RFC_SEED, now=when)
    assert first == _totp.code_at(RFC_SEED, when - 30)
    assert second == _totp.code_at(RFC_SEED, when)


def test_consecutive_codes_differ_in_windows():
    # Two adjacent windows of the RFC vectors: 1111111109 (counter 37037036) and 1111111111 (37037037).
    assert _totp.consecutive_codes(RFC_SEED, now=1111111111) == ("081804", "050471")


def test_consecutive_codes_default_to_now(monkeypatch):
    monkeypatch.setattr(_totp.time, "time", lambda: 1234567890.2)
    assert _totp.consecutive_codes(RFC_SEED) == (_totp.code_at(RFC_SEED, 1234567860), "005924")


def test_iam_sized_seed():
    # IAM's Base32StringSeed is 64 base32 characters (40 bytes).
    seed = base64.b32encode(bytes(range(40))).decode("ascii")
    assert len(seed) == 64
    assert len(_totp.decode_seed(seed)) == 40
    assert _totp.code_at(seed, 59).isdigit()


def test_decode_seed_tolerates_case_spaces_and_padding():
    key = b"12345678901234567890"
    assert _totp.decode_seed(RFC_SEED.lower()) == key
    assert _totp.decode_seed(" ".join(RFC_SEED[i:i + 4] for i in range(0, len(RFC_SEED), 4))) == key
    unpadded = base64.b32encode(b"0123456789ab").decode("ascii").rstrip("=")
    assert _totp.decode_seed(unpadded) == b"0123456789ab"


@pytest.mark.parametrize(
    "seed,expected",
    [
        ("NOT-BASE32-SEED!!ZZZZ", "not valid base32"),
        ("JBSWY3DPEHPK3PXP01890", "not valid base32"),  # 0, 1, 8 and 9 are not in the base32 alphabet
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("JBSWY3DP", "too short"),  # 5 bytes
    ],
)
def test_decode_seed_rejects_bad_seeds_without_echoing_them(seed, expected):
    with pytest.raises(_totp.SeedError) as err:
        _totp.decode_seed(seed)
    message = str(err.value)
    assert expected in message
    if seed and seed.strip():
        assert seed not in message
        assert seed.upper() not in message


def test_seed_error_is_a_value_error():
    assert issubclass(_totp.SeedError, ValueError)


def test_code_at_rejects_a_bad_seed():
    with pytest.raises(_totp.SeedError):
        _totp.code_at("!!!", 59)


def test_otpauth_uri():
    seed = "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"
    uri = _totp.otpauth_uri(seed, "alice@123456789012")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth"
    assert parts.netloc == "totp"
    assert parts.path == "/AWS:alice@123456789012"
    query = parse_qs(parts.query)
    assert query == {
        "secret": ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"],
        "issuer": ["AWS"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
    assert uri == (
        "otpauth://totp/AWS:alice@123456789012?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        "&issuer=AWS&algorithm=SHA1&digits=6&period=30"
    )


def test_otpauth_uri_quotes_label_and_issuer():
    uri = _totp.otpauth_uri(RFC_SEED, "bob smith@1", issuer="My Org")
    assert uri.startswith("otpauth://totp/My%20Org:bob%20smith@1?secret=")
    assert "&issuer=My%20Org&" in uri
