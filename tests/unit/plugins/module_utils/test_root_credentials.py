"""Unit tests for the logic of iam_root_credentials and iam_root_access, with fake AWS clients: which calls each mode
makes (none that deletes or enables in check mode), and the clear errors."""

import botocore.exceptions
import pytest

from ansible_collections.accountguard.aws.plugins.module_utils import _root_access
from ansible_collections.accountguard.aws.plugins.module_utils import _root_credentials
from ansible_collections.accountguard.aws.plugins.module_utils._common import AccountGuardError
from ansible_collections.accountguard.aws.plugins.module_utils._runner import Run
from ansible_collections.accountguard.aws.plugins.module_utils._runner import execute

MANAGEMENT = "111111111111"
MEMBER = "222222222222"


def client_error(code, operation="Call"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": f"{code} happened"}}, operation)


class Fake:
    """A client whose methods answer from `answers` (a value, an exception, or a callable) and record each call."""

    def __init__(self, calls, name, answers):
        self.calls, self.name, self.answers = calls, name, answers

    def __getattr__(self, method):
        def call(**kwargs):
            kwargs.pop("aws_retry", None)
            self.calls.append((self.name, method, kwargs))
            answer = self.answers.get(method, {})
            if isinstance(answer, Exception):
                raise answer
            return answer(**kwargs) if callable(answer) else answer
        return call


class Root:
    """The member account's root user as the root session sees it; deletions change it."""

    def __init__(self, password=True, keys=("AKIAROOT1",), certs=(), mfa=()):
        self.password, self.keys, self.certs, self.mfa = password, list(keys), list(certs), list(mfa)

    def answers(self):
        def login_profile():
            if not self.password:
                raise client_error("NoSuchEntity")
            return {"LoginProfile": {"CreateDate": "2026-01-01"}}
        return {
            "get_login_profile": login_profile,
            "list_access_keys": lambda: {"AccessKeyMetadata": [{"AccessKeyId": k} for k in self.keys]},
            "list_signing_certificates": lambda: {"Certificates": [{"CertificateId": c} for c in self.certs]},
            "list_mfa_devices": lambda: {"MFADevices": [{"SerialNumber": s} for s in self.mfa]},
            "delete_login_profile": lambda: setattr(self, "password", False) or {},
            "delete_access_key": lambda AccessKeyId: self.keys.remove(AccessKeyId) or {},
            "delete_signing_certificate": lambda CertificateId: self.certs.remove(CertificateId) or {},
            "deactivate_mfa_device": lambda SerialNumber: {},
            "delete_virtual_mfa_device": lambda SerialNumber: self.mfa.remove(SerialNumber) or {},
        }


def credentials_run(root, check_mode=False, sts=None, organizations=None, iam=None, **params):
    calls = []
    services = {
        "organizations": {"describe_organization": {"Organization": {"Id": "o-abc", "MasterAccountId": MANAGEMENT}},
                          "describe_account": {"Account": {"Id": MEMBER}}, **(organizations or {})},
        "sts": {"assume_root": {"Credentials": {"AccessKeyId": "ASIAROOTSESSION", "SecretAccessKey": "s", "SessionToken": "t"}},
                "get_caller_identity": {"Account": MANAGEMENT}, **(sts or {})},
        "iam": {"list_organizations_features": {"EnabledFeatures": ["RootCredentialsManagement"]}, **(iam or {})},
    }

    def factory(service, retry, keys=None):
        if keys:
            assert keys == {"access_key": "ASIAROOTSESSION", "secret_key": "s", "session_token": "t"}
            return Fake(calls, "root-session", root.answers())
        return Fake(calls, service, services[service])

    options = {"account_id": MEMBER, "credentials": list(_root_credentials.KINDS), "audit_only": False, "duration_seconds": 900,
               "skip_management_account": False, **params}
    run = Run(options, check_mode, True, factory)
    return run, execute(_root_credentials, run), calls


DELETING = {"delete_login_profile", "delete_access_key", "delete_signing_certificate", "deactivate_mfa_device", "delete_virtual_mfa_device"}


def task_policy(calls):
    return [kw["TaskPolicyArn"]["arn"].rsplit("/", 1)[1] for name, method, kw in calls if method == "assume_root"]


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_every_kind_is_deleted_and_check_mode_only_audits(check_mode):
    root = Root(password=True, keys=["AKIAROOT2", "AKIAROOT1"], certs=["CERT1"],
                mfa=[f"arn:aws:iam::{MEMBER}:mfa/root-account-mfa-device", "GAKT12345678"])
    run, error, calls = credentials_run(root, check_mode=check_mode)
    assert error is None
    have = {"password": True, "access_keys": ["AKIAROOT1", "AKIAROOT2"], "signing_certificates": ["CERT1"],
            "mfa_devices": ["GAKT12345678", f"arn:aws:iam::{MEMBER}:mfa/root-account-mfa-device"]}
    assert run.result["credentials"] == have and run.result["deleted"] == have
    assert run.result["remaining"] == {"password": False, "access_keys": [], "signing_certificates": [], "mfa_devices": []}
    assert run.result["changed"] is True
    deletes = [(m, kw) for name, m, kw in calls if m in DELETING]
    if check_mode:
        assert task_policy(calls) == ["IAMAuditRootUserCredentials"]
        assert deletes == []
        assert root.password and root.keys
    else:
        assert task_policy(calls) == ["IAMDeleteRootUserCredentials"]
        assert {m for m, kw in deletes} == DELETING
        # The virtual device is deactivated before it is deleted; the hardware one is only deactivated.
        serials = [(m, kw["SerialNumber"]) for m, kw in deletes if "SerialNumber" in kw]
        virtual = f"arn:aws:iam::{MEMBER}:mfa/root-account-mfa-device"
        assert serials.index(("deactivate_mfa_device", virtual)) < serials.index(("delete_virtual_mfa_device", virtual))
        assert ("delete_virtual_mfa_device", "GAKT12345678") not in serials
        assert not root.password and root.keys == [] and root.certs == []
    # Every call in the root session names no user: it acts on the root user.
    assert all("UserName" not in kw for name, m, kw in calls if name == "root-session")


def test_nothing_to_delete_is_no_change():
    run, error, calls = credentials_run(Root(password=False, keys=()))
    assert error is None and run.result["changed"] is False
    assert [m for name, m, kw in calls if m in DELETING] == []


def test_only_the_kinds_asked_for_and_audit_only():
    root = Root(password=True, keys=["AKIAROOT1"])
    run, error, calls = credentials_run(root, credentials=["access_keys"])
    assert error is None and root.password and root.keys == []
    assert run.result["remaining"]["password"] is True
    root = Root(password=True, keys=["AKIAROOT1"])
    run, error, calls = credentials_run(root, audit_only=True)
    assert error is None and run.result["changed"] is False and task_policy(calls) == ["IAMAuditRootUserCredentials"]
    assert [m for name, m, kw in calls if m in DELETING] == []


def test_a_credential_gone_meanwhile_counts_as_deleted():
    root = Root(password=True)
    answers = root.answers()

    def gone():
        raise client_error("NoSuchEntity")

    root.answers = lambda: dict(answers, delete_login_profile=gone)  # another run deleted it after this one read it
    run, error, calls = credentials_run(root)
    assert error is None and run.result["deleted"]["password"] is True and run.result["remaining"]["password"] is False
    assert "delete_login_profile" in [m for name, m, kw in calls]


def test_the_management_account_is_refused_or_skipped_before_assume_root():
    run, error, calls = credentials_run(Root(), account_id=MANAGEMENT)
    assert "is the organization's management account" in error.message and "Nothing was changed." in error.message
    assert task_policy(calls) == []
    run, error, calls = credentials_run(Root(), account_id=MANAGEMENT, skip_management_account=True)
    assert error is None and run.result["management_account"] is True and run.result["changed"] is False
    assert task_policy(calls) == []


def test_an_account_outside_the_organization():
    run, error, calls = credentials_run(Root(), organizations={"describe_account": client_error("AccountNotFoundException")})
    assert f"account {MEMBER} is not in organization o-abc" in error.message
    assert task_policy(calls) == []
    # A delegated administrator (not the management account) cannot DescribeAccount: AssumeRoot answers for it.
    run, error, calls = credentials_run(Root(), organizations={"describe_account": client_error("AccessDeniedException")},
                                        sts={"get_caller_identity": {"Account": "333333333333"}})
    assert error is None and "describe_account" not in [m for name, m, kw in calls]


def test_a_connection_outside_any_organization():
    run, error, calls = credentials_run(Root(), organizations={"describe_organization": client_error("AWSOrganizationsNotInUseException")})
    assert "the connection's account is in no organization" in error.message


@pytest.mark.parametrize("features, trusted, expected", [
    ([], True, "RootCredentialsManagement is off; enabled: none"),
    (["RootSessions"], True, "RootCredentialsManagement is off; enabled: RootSessions"),
    (None, False, "RootCredentialsManagement is off; enabled: none"),
    (["RootCredentialsManagement"], True, "was denied: the connection needs sts:AssumeRoot on arn:aws:iam::222222222222:root"),
], ids=["none", "sessions-only", "no-trusted-access", "enabled-but-denied"])
def test_assume_root_denied_is_explained(features, trusted, expected):
    iam = {"list_organizations_features": {"EnabledFeatures": features} if trusted else client_error("ServiceAccessNotEnabledException")}
    run, error, calls = credentials_run(Root(), sts={"assume_root": client_error("AccessDenied", "AssumeRoot")}, iam=iam)
    assert expected in error.message and f"account {MEMBER}" in error.message
    assert [m for name, m, kw in calls if m in DELETING] == []


@pytest.mark.parametrize("params, expected", [
    ({"account_id": "12345"}, "account_id '12345' is not an AWS account id"),
    ({"duration_seconds": 3600}, "duration_seconds must be from 1 to 900"),
    ({"credentials": []}, "credentials must name at least one kind"),
])
def test_bad_input_before_any_call(params, expected):
    run, error, calls = credentials_run(Root(), **params)
    assert isinstance(error, AccountGuardError) and expected in error.message and calls == []


# ---- iam_root_access ----------------------------------------------------------------------------------------------

def access_run(features, check_mode=False, state="present", wanted=None, trusted=True, caller=MANAGEMENT, **iam):
    calls = []
    enabled = list(features)

    def listing():
        if not trusted:
            raise client_error("ServiceAccessNotEnabledException")
        return {"OrganizationId": "o-abc", "EnabledFeatures": list(enabled)}

    def change(feature, on):
        def call():
            (enabled.append if on else enabled.remove)(feature)
            return {"OrganizationId": "o-abc", "EnabledFeatures": list(enabled)}
        return call

    answers = {
        "iam": {"list_organizations_features": listing,
                "enable_organizations_root_credentials_management": change("RootCredentialsManagement", True),
                "enable_organizations_root_sessions": change("RootSessions", True),
                "disable_organizations_root_credentials_management": change("RootCredentialsManagement", False),
                "disable_organizations_root_sessions": change("RootSessions", False), **iam},
        "organizations": {"describe_organization": {"Organization": {"Id": "o-abc", "MasterAccountId": MANAGEMENT}},
                          "enable_aws_service_access": {}},
        "sts": {"get_caller_identity": {"Account": caller}},
    }
    options = {"state": state, "features": wanted or list(_root_access.FEATURES), "enable_trusted_access": True}
    run = Run(options, check_mode, True, lambda service, retry, keys=None: Fake(calls, service, answers[service]))
    return run, execute(_root_access, run), [m for name, m, kw in calls]


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_enabling_from_nothing(check_mode):
    run, error, calls = access_run([], check_mode=check_mode, trusted=False)
    assert error is None and run.result["changed"] is True
    assert run.result["enabled_features"] == ["RootCredentialsManagement", "RootSessions"]
    assert run.result["diff"]["before"] == {"trusted_access": False, "enabled_features": []}
    writes = [c for c in calls if c.startswith("enable")]
    assert writes == ([] if check_mode else ["enable_aws_service_access", "enable_organizations_root_credentials_management",
                                             "enable_organizations_root_sessions"])


def test_steady_state_is_one_read():
    run, error, calls = access_run(["RootCredentialsManagement", "RootSessions"])
    assert error is None and run.result["changed"] is False and calls == ["list_organizations_features"]


def test_absent_disables_only_what_it_names():
    run, error, calls = access_run(["RootCredentialsManagement", "RootSessions"], state="absent", wanted=["RootSessions"])
    assert error is None and run.result["enabled_features"] == ["RootCredentialsManagement"]
    assert calls == ["list_organizations_features", "disable_organizations_root_sessions"]


def test_trusted_access_off_from_a_member_account_is_refused():
    run, error, calls = access_run([], trusted=False, caller=MEMBER)
    assert "only the management account (111111111111) can enable it; the connection is account 222222222222" in error.message
    assert not [c for c in calls if c.startswith("enable")]


@pytest.mark.parametrize("code, expected", [
    ("OrganizationNotFoundException", "the connection's account is in no AWS organization"),
    ("AccountNotManagementOrDelegatedAdministratorException", "neither the organization's management account nor IAM's delegated"),
    ("OrganizationNotInAllFeaturesModeException", "does not have all features enabled"),
])
def test_organization_errors_are_explained(code, expected):
    run, error, calls = access_run([], list_organizations_features=client_error(code))
    assert expected in error.message and "Nothing was changed." in error.message


def test_a_delegated_administrator_cannot_enable():
    run, error, calls = access_run([], enable_organizations_root_credentials_management=client_error("CallerIsNotManagementAccountException"))
    assert "only the organization's management account can enable these features" in error.message
