"""STS AssumeRoot and the privileged root sessions it starts (centralized root access); moto has neither.

AWS (STS API reference, as botocore's service model carries it): the management account of an organization,
or IAM's delegated administrator, calls AssumeRoot(TargetPrincipal, TaskPolicyArn.arn, DurationSeconds) for a
member account and gets short-term credentials of that account's root user, scoped by one of five AWS managed
task policies (path /root-task/). Each policy is a Deny of everything but a few actions (NotAction), and of
those actions on anything but the root user (NotResource arn:aws:iam::*:root, or a condition on the
principal). The allowed actions are read from moto's copy of those documents, never copied by hand.

Checks here, in this order (STS Query errors):

- ValidationError (400): TargetPrincipal not a 12-digit account id or arn:aws:iam::<id>:root; TaskPolicyArn
  not arn:aws:iam::aws:policy/root-task/<one of the five>; DurationSeconds not 0..900 (default 900).
- AccessDenied (403): the caller's account is neither the management account of an organization nor its
  delegated administrator for iam.amazonaws.com; the target is the management account itself (privileged
  root sessions are for member accounts only) or not an account of that organization; the centralized root
  access feature the task needs is not enabled (our reading of AWS's docs: the three IAM tasks need
  RootCredentialsManagement, the S3 and SQS unlock tasks RootSessions).

The session's key (ASIA..., motoglue.create_session_key in the target account) is registered in LocalState;
every request signed with it goes through ``handle``: ExpiredToken after its expiry; AccessDenied (in the
service's error format, never reaching moto) for an action outside the task policy or an IAM call naming
a user; allowed IAM calls act on the root user of the target account, answered from the RootRegistry.
"""

import itertools
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from localaws import motoglue, responses
from localaws.iam import organizations, root
from localaws.iam.root import iso

ROOT_TASK_PATH = "/root-task/"
POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy"
# The centralized root access feature each task policy needs (our reading of the IAM User Guide, "Centrally
# manage root access for member accounts": root credentials management removes and audits root credentials,
# root sessions are the other privileged tasks, unlocking S3 bucket and SQS queue policies).
TASK_FEATURES = {
    "IAMAuditRootUserCredentials": organizations.ROOT_CREDENTIALS_MANAGEMENT,
    "IAMCreateRootUserPassword": organizations.ROOT_CREDENTIALS_MANAGEMENT,
    "IAMDeleteRootUserCredentials": organizations.ROOT_CREDENTIALS_MANAGEMENT,
    "S3UnlockBucketPolicy": organizations.ROOT_SESSIONS,
    "SQSUnlockQueuePolicy": organizations.ROOT_SESSIONS,
}
MAX_DURATION = 900
ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})  # as in AWS: no policy can deny GetCallerIdentity

_TARGET_RE = re.compile(r"^(?:(\d{12})|arn:aws:iam::(\d{12}):root)$")
EXPIRED = "The security token included in the request is expired"


@dataclass(frozen=True)
class RootSession:
    """A privileged root session: the member account, the task policy's name, its allowed actions, its expiry."""

    account: str
    policy: str
    actions: frozenset
    expires: float


def task_actions(name):
    """The actions a task policy allows: the NotAction list of its Deny statement on every resource."""
    found = motoglue.task_policy(name)
    if found is None or found[0] != ROOT_TASK_PATH:
        raise KeyError(name)
    for statement in found[1]["Statement"]:
        if statement.get("Effect") == "Deny" and "NotAction" in statement and statement.get("Resource") == "*":
            actions = statement["NotAction"]
            return frozenset([actions] if isinstance(actions, str) else actions)
    raise KeyError(name)


def _sts_error(code, message, status):
    return responses.error(code, message, protocol="query", service="sts", status=status)


def _invalid(message):
    return _sts_error("ValidationError", message, 400)


def _duration(call):
    raw = call.request.param("DurationSeconds")
    if raw is None or raw == "":
        return MAX_DURATION, None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None, _invalid(f"1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy constraint: "
                              "Member must be a number from 0 to 900")
    if value > MAX_DURATION:
        return None, _invalid(f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: "
                              f"Member must have value less than or equal to {MAX_DURATION}")
    if value < 0:
        return None, _invalid(f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: "
                              "Member must have value greater than or equal to 0")
    return value, None


def _policy_name(arn):
    prefix = POLICY_ARN_PREFIX + ROOT_TASK_PATH
    name = arn[len(prefix):] if isinstance(arn, str) and arn.startswith(prefix) else None
    return name if name in TASK_FEATURES else None


def assume_root(call):
    """STS AssumeRoot: check the request, the caller, the target and the feature; answer root credentials."""
    request = call.request
    target_principal = request.param("TargetPrincipal") or ""
    match = _TARGET_RE.match(target_principal if isinstance(target_principal, str) else "")
    if not match:
        return _invalid(f"The target principal {target_principal!r} is not valid: use a member account's 12-digit id "
                        "or arn:aws:iam::<account id>:root.")
    target = match.group(1) or match.group(2)
    policy_arn = request.param("TaskPolicyArn.arn")
    policy = _policy_name(policy_arn)
    if policy is None:
        return _invalid(f"The task policy {policy_arn!r} is not valid: use one of "
                        + ", ".join(f"{POLICY_ARN_PREFIX}{ROOT_TASK_PATH}{name}" for name in sorted(TASK_FEATURES)) + ".")
    duration, problem = _duration(call)
    if problem:
        return problem

    caller = request.account
    denied = (f"User: {motoglue.caller_arn(caller, request.access_key, request.region)} is not authorized to perform: "
              f"sts:AssumeRoot on resource: arn:aws:iam::{target}:root")
    found = motoglue.organization_of(caller, request.region)
    if found is None:
        return _sts_error("AccessDenied", f"{denied} because account {caller} is in no organization", 403)
    org, management = found
    if not management and not motoglue.delegated_administrator(caller, region=request.region):
        return _sts_error("AccessDenied", f"{denied} because account {caller} is neither the management account of "
                          f"organization {org.id} nor its delegated administrator for {motoglue.IAM_PRINCIPAL}", 403)
    target_found = motoglue.organization_of(target, request.region)
    if target_found is not None and target_found[0].id == org.id and target_found[1]:
        return _sts_error("AccessDenied", f"{denied} because privileged root sessions are only for member accounts: "
                          f"{target} is the management account of organization {org.id}", 403)
    if target_found is None or target_found[0].id != org.id:
        return _sts_error("AccessDenied", f"{denied} because account {target} is not a member account of "
                          f"organization {org.id}", 403)
    feature = TASK_FEATURES[policy]
    if feature not in call.state.features(org.id):
        return _sts_error("AccessDenied", f"{denied} because centralized root access feature {feature} (needed by "
                          f"task policy {policy}) is not enabled for organization {org.id}", 403)

    key = motoglue.create_session_key(target, None, request.region)
    expires = time.time() + duration
    call.state.add_root_session(key.access_key_id, RootSession(target, policy, task_actions(policy), expires))
    xml = (
        f"<Credentials><AccessKeyId>{key.access_key_id}</AccessKeyId>"
        f"<SecretAccessKey>{responses.xml_escape(key.secret_access_key)}</SecretAccessKey>"
        f"<SessionToken>{secrets.token_urlsafe(240)}</SessionToken>"
        f"<Expiration>{iso(expires)}</Expiration></Credentials>"
    )
    return responses.query_result("AssumeRoot", xml, service="sts")


# ---- requests signed with a root session's key ----

def _s3_action(request):
    """The IAM action name of an S3 REST request, for the ones the S3 task policy names (path-style URLs)."""
    method = request.method.upper()
    parts = [part for part in request.path.split("/") if part]
    if not parts:
        return "ListAllMyBuckets" if method == "GET" else None
    if "policy" in request.params and len(parts) == 1:
        return {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"}.get(method)
    if len(parts) == 1 and not request.params:
        return {"PUT": "CreateBucket", "DELETE": "DeleteBucket", "GET": "ListBucket", "HEAD": "ListBucket"}.get(method)
    if len(parts) > 1 and not request.params:
        return {"PUT": "PutObject", "GET": "GetObject", "HEAD": "GetObject", "DELETE": "DeleteObject"}.get(method)
    return None


def action_name(request):
    """service:Action of a request, as a policy names it (None when it cannot be told)."""
    action = request.action
    if action is None and request.service == "s3":
        action = _s3_action(request)
    if not request.service or not action:
        return None
    return f"{request.service}:{action}"


def _denied(request, action, resource):
    message = (f"User: arn:aws:iam::{request.account}:root is not authorized to perform: {action} on resource: "
               f"{resource} with an explicit deny in a session policy")
    return responses.error("AccessDenied", message, protocol=request.protocol, service=request.service, status=403)


def handle(call, session):
    """Answer a request signed with a root session's key (the target account's root user, scoped by the task)."""
    request = call.request
    if time.time() >= session.expires:
        return responses.error("ExpiredToken", EXPIRED, protocol=request.protocol, service=request.service, status=403)
    action = action_name(request)
    if action in ALWAYS_ALLOWED:
        return _caller_identity(session)
    root_arn = f"arn:aws:iam::{session.account}:root"
    shown = action or f"{request.service}:{request.method} {request.path}"
    if request.service == "iam":
        user = request.param("UserName")
        if action not in session.actions:
            return _denied(request, shown, f"arn:aws:iam::{session.account}:user/{user}" if user else root_arn)
        if user:  # the task policies deny every action on a resource other than the root user
            return _denied(request, shown, f"arn:aws:iam::{session.account}:user/{user}")
        handler = ROOT_HANDLERS.get(request.action)
        return handler(call) if handler else call.forward()
    if action not in session.actions:
        return _denied(request, shown, "*")
    return call.forward()


def _caller_identity(session):
    account = session.account
    xml = f"<UserId>{account}</UserId><Account>{account}</Account><Arn>arn:aws:iam::{account}:root</Arn>"
    return responses.query_result("GetCallerIdentity", xml, service="sts")


# ---- IAM calls of a root session act on the root user (localaws/rootstate.py) ----

def key_number_id(account_id, number):
    """The id of the root's access key number N of an account: AKIA + account id + N in four digits (20 chars)."""
    return f"AKIA{account_id}{number:04d}"


def certificate_number_id(account_id, number):
    """The id of the root's signing certificate number N: ROOTCERT + account id + N in four digits (24 chars)."""
    return f"ROOTCERT{account_id}{number:04d}"


def hardware_serial(account_id):
    """The serial of the root's hardware MFA device: a TOTP token's, GAHT + the account id's last 8 digits."""
    return f"GAHT{account_id[-8:]}"


def virtual_serial(account_id, name):
    """The serial (ARN) of a root virtual MFA device."""
    return f"arn:aws:iam::{account_id}:mfa/{name}"


def _numbers(call, kind, count):
    """The numbers of the root's current credentials of a kind: the first `count` not yet deleted, from 1."""
    retired = call.state.retired(call.request.account, kind)
    return list(itertools.islice((n for n in itertools.count(1) if n not in retired), count))


def root_keys(call, state):
    """{access key id: number} of the root user's keys."""
    account = call.request.account
    return {key_number_id(account, n): n for n in _numbers(call, "key", state.access_keys)}


def root_certificates(call, state):
    """{certificate id: number} of the root user's signing certificates (one when signing_certificates)."""
    account = call.request.account
    return {certificate_number_id(account, n): n for n in _numbers(call, "cert", int(state.signing_certificates))}


def root_mfa_serial(account_id, state):
    """The serial of the root's assigned MFA device, or None."""
    if state.mfa == "virtual":
        return virtual_serial(account_id, state.virtual_device_name)
    if state.mfa == "hardware":
        return hardware_serial(account_id)
    return None


def _state(call):
    return call.state.roots.get(call.request.account)


def _set(call, **changes):
    return call.state.roots.update(call.request.account, changes)


def _no_entity(message):
    return responses.error("NoSuchEntity", message)


def _created(call):
    return iso(call.state.created)


def _result(action, xml=None):
    return responses.query_result(action, xml)


def get_user(call):
    """The root user: UserId the account id, its ARN, created with the account (no UserName, no Path)."""
    account, state = call.request.account, _state(call)
    last_used = ""
    if state.password and state.password_last_used:
        last_used = f"<PasswordLastUsed>{iso(datetime.fromisoformat(state.password_last_used).timestamp())}</PasswordLastUsed>"
    xml = (f"<User><UserId>{account}</UserId><Arn>arn:aws:iam::{account}:root</Arn>"
           f"<CreateDate>{_created(call)}</CreateDate>{last_used}</User>")
    return _result("GetUser", xml)


def _login_profile(call):
    return (f"<LoginProfile><CreateDate>{_created(call)}</CreateDate>"
            "<PasswordResetRequired>false</PasswordResetRequired></LoginProfile>")


NO_LOGIN_PROFILE = "Login Profile for the root user cannot be found."


def get_login_profile(call):
    """The root's password (NoSuchEntity when it has none)."""
    if not _state(call).password:
        return _no_entity(NO_LOGIN_PROFILE)
    return _result("GetLoginProfile", _login_profile(call))


def create_login_profile(call):
    """Give root a password again (IAMCreateRootUserPassword): EntityAlreadyExists when it has one. Never stored."""
    if _state(call).password:
        return responses.error("EntityAlreadyExists", "Login Profile for the root user already exists.")
    _set(call, password=True)
    return _result("CreateLoginProfile", _login_profile(call))


def delete_login_profile(call):
    """Remove root's password (NoSuchEntity when it has none)."""
    if not _state(call).password:
        return _no_entity(NO_LOGIN_PROFILE)
    _set(call, password=False, password_last_used=None)
    return _result("DeleteLoginProfile")


def list_access_keys(call):
    """The root's access keys (active, created with the account)."""
    members = "".join(
        f"<member><AccessKeyId>{key}</AccessKeyId><Status>Active</Status><CreateDate>{_created(call)}</CreateDate></member>"
        for key in root_keys(call, _state(call))
    )
    return _result("ListAccessKeys", f"<AccessKeyMetadata>{members}</AccessKeyMetadata><IsTruncated>false</IsTruncated>")


def _foreign_key(call, key_id):
    """AccessDenied for a key of an IAM user of the account (not root's), NoSuchEntity for an unknown key."""
    key = call.backend.access_keys.get(key_id)
    if key is not None and key.user_name:
        return _denied(call.request, f"iam:{call.request.action}", f"arn:aws:iam::{call.request.account}:user/{key.user_name}")
    return _no_entity(f"The Access Key with id {key_id} cannot be found.")


def delete_access_key(call):
    """Delete one of root's access keys; its number is not used again."""
    key_id = call.request.param("AccessKeyId") or ""
    state = _state(call)
    number = root_keys(call, state).get(key_id)
    if number is None:
        return _foreign_key(call, key_id)
    call.state.retire(call.request.account, "key", number)
    _set(call, access_keys=state.access_keys - 1)
    return _result("DeleteAccessKey")


def get_access_key_last_used(call):
    """Root's keys are never used (nothing can sign a local request with them)."""
    key_id = call.request.param("AccessKeyId") or ""
    if key_id not in root_keys(call, _state(call)):
        return _foreign_key(call, key_id)
    return _result("GetAccessKeyLastUsed", "<AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>")


CERTIFICATE_BODY = "-----BEGIN CERTIFICATE-----\nbG9jYWwgQVdTIHJvb3QgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"


def list_signing_certificates(call):
    """The root's signing certificate, if it has one."""
    members = "".join(
        f"<member><CertificateId>{cert}</CertificateId><CertificateBody>{CERTIFICATE_BODY}</CertificateBody>"
        f"<Status>Active</Status><UploadDate>{_created(call)}</UploadDate></member>"
        for cert in root_certificates(call, _state(call))
    )
    return _result("ListSigningCertificates", f"<Certificates>{members}</Certificates><IsTruncated>false</IsTruncated>")


def delete_signing_certificate(call):
    """Delete the root's signing certificate."""
    cert_id = call.request.param("CertificateId") or ""
    number = root_certificates(call, _state(call)).get(cert_id)
    if number is None:
        return _no_entity(f"The Certificate with id {cert_id} cannot be found.")
    call.state.retire(call.request.account, "cert", number)
    _set(call, signing_certificates=False)
    return _result("DeleteSigningCertificate")


def list_mfa_devices(call):
    """The root's assigned MFA device, if any."""
    state = _state(call)
    serial = root_mfa_serial(call.request.account, state)
    member = "" if serial is None else (
        f"<member><SerialNumber>{responses.xml_escape(serial)}</SerialNumber><EnableDate>{iso(state.mfa_since)}</EnableDate></member>"
    )
    return _result("ListMFADevices", f"<MFADevices>{member}</MFADevices><IsTruncated>false</IsTruncated>")


def deactivate_mfa_device(call):
    """Deactivate root's MFA device; a virtual one stays, unassigned, until DeleteVirtualMFADevice."""
    account, state = call.request.account, _state(call)
    serial = call.request.param("SerialNumber") or ""
    if serial != root_mfa_serial(account, state):
        return _no_entity(f"MFA device with serial number {serial} is not assigned to the root user.")
    if state.mfa == "virtual":
        call.state.keep_unassigned_root_device(account, state.virtual_device_name, state.mfa_since)
    _set(call, mfa="none")
    return _result("DeactivateMFADevice")


def delete_virtual_mfa_device(call):
    """Delete root's deactivated virtual device (DeleteConflict while it is still assigned)."""
    account, state = call.request.account, _state(call)
    serial = call.request.param("SerialNumber") or ""
    if state.mfa == "virtual" and serial == root_mfa_serial(account, state):
        return responses.error("DeleteConflict", f"MFA device {serial} is assigned to the root user; deactivate it before deleting it.")
    names = {virtual_serial(account, name): name for name in call.state.unassigned_root_devices(account)}
    if serial in names:
        call.state.keep_unassigned_root_device(account, names[serial], None, keep=False)
        return _result("DeleteVirtualMFADevice")
    if serial in call.backend.virtual_mfa_devices:  # an IAM user's device, not the root user's
        return _denied(call.request, "iam:DeleteVirtualMFADevice", serial)
    return _no_entity(f"VirtualMFADevice with serial number {serial} does not exist.")


ROOT_HANDLERS = {
    "GetUser": get_user,
    "GetLoginProfile": get_login_profile,
    "CreateLoginProfile": create_login_profile,
    "DeleteLoginProfile": delete_login_profile,
    "ListAccessKeys": list_access_keys,
    "DeleteAccessKey": delete_access_key,
    "GetAccessKeyLastUsed": get_access_key_last_used,
    "ListSigningCertificates": list_signing_certificates,
    "DeleteSigningCertificate": delete_signing_certificate,
    "ListMFADevices": list_mfa_devices,
    "DeactivateMFADevice": deactivate_mfa_device,
    "DeleteVirtualMFADevice": delete_virtual_mfa_device,
    "GetAccountSummary": root.get_account_summary,
}

STS_HANDLERS = {
    "AssumeRoot": assume_root,
}
