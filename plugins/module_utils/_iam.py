# -*- coding: utf-8 -*-
# Copyright: Contributors to the accountguard.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal use only: small IAM helpers, one AWS call (or one paginated listing) each.

Reads turn "missing" into None/[] (list_error_handler); deletions treat "already gone" as done;
everything else raises AccountGuardError with a message naming what was being done. Calls that act on
an entity this run just created use RETRY_NEW_ENTITY, because IAM is eventually consistent.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ._common import IAMErrorHandler
from ._common import RETRY
from ._common import RETRY_NEW_ENTITY


def _tag_list(tags):
    return ansible_dict_to_boto3_tag_list({k: str(v) for k, v in sorted(tags.items())})


# ---- users -------------------------------------------------------------------------------------

@IAMErrorHandler.list_error_handler("get user {name}")
def get_user(client, name):
    return client.get_user(UserName=name, aws_retry=True)["User"]


@IAMErrorHandler.list_error_handler("get user {name}")
@RETRY_NEW_ENTITY
def get_recent_user(client, name):
    """GetUser for a user this task has just created or seen: IAM may still report it missing for a while."""
    return client.get_user(UserName=name)["User"]


@IAMErrorHandler.common_error_handler("create user {name}")
def create_user(client, name, path, tags, boundary):
    args = {"UserName": name, "Path": path}
    if tags:
        args["Tags"] = _tag_list(tags)
    if boundary:
        args["PermissionsBoundary"] = boundary
    return client.create_user(aws_retry=True, **args)["User"]


@IAMErrorHandler.common_error_handler("move user {name} to path {path}")
@RETRY_NEW_ENTITY
def update_user_path(client, name, path):
    client.update_user(UserName=name, NewPath=path)


@IAMErrorHandler.common_error_handler("tag user {name}")
@RETRY_NEW_ENTITY
def tag_user(client, name, tags):
    client.tag_user(UserName=name, Tags=_tag_list(tags))


@IAMErrorHandler.common_error_handler("untag user {name}")
@RETRY_NEW_ENTITY
def untag_user(client, name, keys):
    client.untag_user(UserName=name, TagKeys=sorted(keys))


@IAMErrorHandler.common_error_handler("set the permissions boundary of user {name}")
@RETRY_NEW_ENTITY
def put_user_boundary(client, name, arn):
    client.put_user_permissions_boundary(UserName=name, PermissionsBoundary=arn)


@IAMErrorHandler.deletion_error_handler("remove the permissions boundary of user {name}")
def delete_user_boundary(client, name):
    client.delete_user_permissions_boundary(UserName=name, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete user {name}")
def delete_user(client, name):
    client.delete_user(UserName=name, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("get policy {arn}")
def get_policy(client, arn):
    return client.get_policy(PolicyArn=arn, aws_retry=True)["Policy"]


# ---- groups ------------------------------------------------------------------------------------

@IAMErrorHandler.list_error_handler("list the groups of user {name}", [])
@RETRY
def list_user_groups(client, name):
    pages = client.get_paginator("list_groups_for_user").paginate(UserName=name)
    return [g["GroupName"] for g in pages.build_full_result()["Groups"]]


@IAMErrorHandler.list_error_handler("get group {name}")
def get_group(client, name):
    return client.get_group(GroupName=name, MaxItems=1, aws_retry=True)["Group"]


@IAMErrorHandler.common_error_handler("add user {name} to group {group}")
@RETRY_NEW_ENTITY
def add_user_to_group(client, name, group):
    client.add_user_to_group(UserName=name, GroupName=group)


@IAMErrorHandler.deletion_error_handler("remove user {name} from group {group}")
def remove_user_from_group(client, name, group):
    client.remove_user_from_group(UserName=name, GroupName=group, aws_retry=True)
    return True


@IAMErrorHandler.common_error_handler("create group {name}")
def create_group(client, name, path):
    return client.create_group(GroupName=name, Path=path, aws_retry=True)["Group"]


@IAMErrorHandler.common_error_handler("move group {name} to path {path}")
@RETRY_NEW_ENTITY
def update_group_path(client, name, path):
    client.update_group(GroupName=name, NewPath=path)


@IAMErrorHandler.list_error_handler("list the policies attached to group {name}", [])
@RETRY
def list_attached_group_policies(client, name):
    pages = client.get_paginator("list_attached_group_policies").paginate(GroupName=name)
    return [p["PolicyArn"] for p in pages.build_full_result()["AttachedPolicies"]]


@IAMErrorHandler.common_error_handler("attach policy {arn} to group {name}")
@RETRY_NEW_ENTITY
def attach_group_policy(client, name, arn):
    # Only called for policies GetPolicy found: a NoSuchEntity here is the group just created, not yet visible.
    client.attach_group_policy(GroupName=name, PolicyArn=arn)


@IAMErrorHandler.deletion_error_handler("detach policy {arn} from group {name}")
def detach_group_policy(client, name, arn):
    client.detach_group_policy(GroupName=name, PolicyArn=arn, aws_retry=True)
    return True


# ---- what must go before DeleteGroup -----------------------------------------------------------

@IAMErrorHandler.list_error_handler("list the members of group {name}", [])
@RETRY
def list_group_members(client, name):
    pages = client.get_paginator("get_group").paginate(GroupName=name)
    return [u["UserName"] for u in pages.build_full_result()["Users"]]


@IAMErrorHandler.list_error_handler("list the inline policies of group {name}", [])
@RETRY
def list_group_inline_policies(client, name):
    pages = client.get_paginator("list_group_policies").paginate(GroupName=name)
    return pages.build_full_result()["PolicyNames"]


@IAMErrorHandler.deletion_error_handler("delete inline policy {policy} of group {name}")
def delete_group_inline_policy(client, name, policy):
    client.delete_group_policy(GroupName=name, PolicyName=policy, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete group {name}")
def delete_group(client, name):
    client.delete_group(GroupName=name, aws_retry=True)
    return True


# ---- console access ----------------------------------------------------------------------------

@IAMErrorHandler.list_error_handler("get the login profile of user {name}")
def get_login_profile(client, name):
    return client.get_login_profile(UserName=name, aws_retry=True)["LoginProfile"]


@IAMErrorHandler.list_error_handler("get the account password policy")
def get_password_policy(client):
    return client.get_account_password_policy(aws_retry=True)["PasswordPolicy"]


@IAMErrorHandler.common_error_handler("create the login profile of user {name}")
@RETRY_NEW_ENTITY
def create_login_profile(client, name, password, reset_required):
    client.create_login_profile(UserName=name, Password=password, PasswordResetRequired=reset_required)


@IAMErrorHandler.common_error_handler("update the login profile of user {name}")
@RETRY_NEW_ENTITY
def update_login_profile(client, name, password, reset_required):
    client.update_login_profile(UserName=name, Password=password, PasswordResetRequired=reset_required)


@IAMErrorHandler.deletion_error_handler("delete the login profile of user {name}")
def delete_login_profile(client, name):
    client.delete_login_profile(UserName=name, aws_retry=True)
    return True


# ---- MFA devices -------------------------------------------------------------------------------

def is_virtual_serial(serial):
    """Virtual devices have ARN serials (arn:aws:iam::<acct>:mfa/<path><name>); hardware ones do not,
    and FIDO/U2F keys live under :u2f/."""
    return ":mfa/" in (serial or "")


@IAMErrorHandler.list_error_handler("list the MFA devices of user {name}", [])
@RETRY
def list_user_mfa_devices(client, name):
    pages = client.get_paginator("list_mfa_devices").paginate(UserName=name)
    return pages.build_full_result()["MFADevices"]


@IAMErrorHandler.common_error_handler("list virtual MFA devices")
@RETRY
def list_virtual_mfa_devices(client, assignment_status="Any"):
    pages = client.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus=assignment_status)
    return pages.build_full_result()["VirtualMFADevices"]


@IAMErrorHandler.common_error_handler("create virtual MFA device {name}")
def create_virtual_mfa_device(client, name, path, tags=None):
    args = {"VirtualMFADeviceName": name, "Path": path}
    if tags:
        args["Tags"] = _tag_list(tags)
    return client.create_virtual_mfa_device(aws_retry=True, **args)["VirtualMFADevice"]


@IAMErrorHandler.common_error_handler("enable MFA device {serial} for user {name}")
@RETRY_NEW_ENTITY
def enable_mfa_device(client, name, serial, code1, code2):
    client.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2)


@IAMErrorHandler.deletion_error_handler("deactivate MFA device {serial} of user {name}")
def deactivate_mfa_device(client, name, serial):
    client.deactivate_mfa_device(UserName=name, SerialNumber=serial, aws_retry=True)
    return True


@IAMErrorHandler.deletion_error_handler("delete virtual MFA device {serial}")
@RETRY_NEW_ENTITY
def delete_virtual_mfa_device(client, serial):
    # EntityTemporarilyUnmodifiable / a just-deactivated device: retried by RETRY_NEW_ENTITY. A device
    # that is really gone ends up as NoSuchEntity after the retries and counts as deleted.
    client.delete_virtual_mfa_device(SerialNumber=serial)
    return True


# ---- what must go before DeleteUser ------------------------------------------------------------

def list_access_keys(client, name):
    return [k["AccessKeyId"] for k in list_access_key_metadata(client, name)]


def count_active_access_keys(client, name):
    return sum(k.get("Status") == "Active" for k in list_access_key_metadata(client, name))


@IAMErrorHandler.list_error_handler("list the access keys of user {name}", [])
@RETRY
def list_access_key_metadata(client, name):
    pages = client.get_paginator("list_access_keys").paginate(UserName=name)
    return pages.build_full_result()["AccessKeyMetadata"]


@IAMErrorHandler.deletion_error_handler("delete access key {key_id} of user {name}")
def delete_access_key(client, name, key_id):
    client.delete_access_key(UserName=name, AccessKeyId=key_id, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("list the policies attached to user {name}", [])
@RETRY
def list_attached_user_policies(client, name):
    pages = client.get_paginator("list_attached_user_policies").paginate(UserName=name)
    return [p["PolicyArn"] for p in pages.build_full_result()["AttachedPolicies"]]


@IAMErrorHandler.deletion_error_handler("detach policy {arn} from user {name}")
def detach_user_policy(client, name, arn):
    client.detach_user_policy(UserName=name, PolicyArn=arn, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("list the inline policies of user {name}", [])
@RETRY
def list_user_inline_policies(client, name):
    pages = client.get_paginator("list_user_policies").paginate(UserName=name)
    return pages.build_full_result()["PolicyNames"]


@IAMErrorHandler.deletion_error_handler("delete inline policy {policy} of user {name}")
def delete_user_inline_policy(client, name, policy):
    client.delete_user_policy(UserName=name, PolicyName=policy, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("list the signing certificates of user {name}", [])
@RETRY
def list_signing_certificates(client, name):
    pages = client.get_paginator("list_signing_certificates").paginate(UserName=name)
    return [c["CertificateId"] for c in pages.build_full_result()["Certificates"]]


@IAMErrorHandler.deletion_error_handler("delete signing certificate {cert_id} of user {name}")
def delete_signing_certificate(client, name, cert_id):
    client.delete_signing_certificate(UserName=name, CertificateId=cert_id, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("list the SSH public keys of user {name}", [])
@RETRY
def list_ssh_public_keys(client, name):
    pages = client.get_paginator("list_ssh_public_keys").paginate(UserName=name)
    return [k["SSHPublicKeyId"] for k in pages.build_full_result()["SSHPublicKeys"]]


@IAMErrorHandler.deletion_error_handler("delete SSH public key {key_id} of user {name}")
def delete_ssh_public_key(client, name, key_id):
    client.delete_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, aws_retry=True)
    return True


@IAMErrorHandler.list_error_handler("list the service-specific credentials of user {name}", [])
def list_service_specific_credentials(client, name):
    result = client.list_service_specific_credentials(UserName=name, aws_retry=True)
    return [c["ServiceSpecificCredentialId"] for c in result["ServiceSpecificCredentials"]]


@IAMErrorHandler.deletion_error_handler("delete service-specific credential {cred_id} of user {name}")
def delete_service_specific_credential(client, name, cred_id):
    client.delete_service_specific_credential(UserName=name, ServiceSpecificCredentialId=cred_id, aws_retry=True)
    return True
