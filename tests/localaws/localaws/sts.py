"""STS AssumeRole and GetSessionToken with real MFA checks; GetSessionToken's credentials are the caller's.

moto ignores SerialNumber and TokenCode. Real STS, when a call carries them, accepts only a
device assigned to the calling IAM user and a TOTP code of that device's seed that was not
used before (AccessDenied otherwise, HTTP 403). Calls without SerialNumber and TokenCode go
to moto unchanged.

The replay memory is the one EnableMFADevice / ResyncMFADevice use (per account, device and
seed): a code that enabled a device is not accepted again here, and the other way round.

moto's GetSessionToken hands everyone the same example key, which belongs to no account: the calls made
with it land in moto's default account as an unknown "user/moto". Real STS gives temporary credentials of
the caller: same account, same IAM user (GetCallerIdentity names the user's ARN), and refuses callers that
already use temporary credentials. Here the key is a new one of the caller's account, owned by the
calling user (motoglue.create_session_key), in place of moto's.

AssumeRoot (moto lacks it) is localaws/rootsession.py's; its handler is listed here with the other STS ones.
"""

import re
import secrets

from localaws import motoglue, responses, rootsession
from localaws.iam import totp

# Counters c accepted for a TokenCode == TOTP(c), relative to now // STEP: clock drift of one step either way.
WINDOW = (-1, 0, 1)

NOT_ASSOCIATED = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
BOTH_NEEDED = "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
BAD_FORMAT = "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must be exactly 6 digits"
SESSION_CALLER = "Cannot call GetSessionToken with session credentials"


def _denied(message):
    return responses.error("AccessDenied", message, protocol="query", service="sts", status=403)


def _calling_user(call):
    """The IAM user owning the call's access key, or None (unknown keys, AssumeRole sessions, root)."""
    backend = call.backend
    key = backend.access_keys.get(call.request.access_key or "")
    if key is None or not key.user_name:
        return None
    return backend.users.get(key.user_name)


def check_mfa(call):
    """Check SerialNumber and TokenCode, if given, before moto answers the call."""
    serial = call.request.param("SerialNumber")
    code = call.request.param("TokenCode")
    if not serial and not code:
        return call.forward()
    if not serial or not code:
        return _denied(BOTH_NEEDED)
    if not totp.well_formed(code):
        return responses.error("ValidationError", BAD_FORMAT, protocol="query", service="sts")
    user = _calling_user(call)
    if user is None or serial not in user.mfa_devices:
        return _denied(NOT_ASSOCIATED)
    device = call.backend.virtual_mfa_devices.get(serial)
    if device is None:
        return call.forward()  # a hardware device assigned to the user: any six digits pass, as in EnableMFADevice
    counter = totp.matching_counter(device.base32_string_seed, code, window=WINDOW)
    key = (call.request.account, device.serial_number, device.base32_string_seed)
    if counter is None or call.state.counters_used(key, (counter,)):
        return _denied(INVALID_CODE)
    answer = call.forward()
    if answer.ok:
        call.state.use_counters(key, (counter,))
    return answer


def _set_element(xml, name, value):
    return re.sub(rf"<{name}>[^<]*</{name}>", f"<{name}>{responses.xml_escape(value)}</{name}>", xml, count=1)


def get_session_token(call):
    """MFA checked as for AssumeRole, then credentials of the calling account and user instead of moto's."""
    key_id = call.request.access_key or ""
    if key_id.startswith("ASIA") and key_id in call.backend.access_keys:
        return _denied(SESSION_CALLER)  # an AssumeRole or GetSessionToken key: AWS wants long-term credentials
    answer = check_mfa(call)
    if not answer.ok:
        return answer
    user = _calling_user(call)
    key = motoglue.create_session_key(call.request.account, user.name if user else None, call.request.region)
    xml = answer.text()
    xml = _set_element(xml, "AccessKeyId", key.access_key_id)
    xml = _set_element(xml, "SecretAccessKey", key.secret_access_key)
    xml = _set_element(xml, "SessionToken", secrets.token_urlsafe(240))
    return answer.with_text(xml)


HANDLERS = {
    "AssumeRole": check_mfa,
    "GetSessionToken": get_session_token,
    **rootsession.STS_HANDLERS,
}
