"""The local AWS at organization scale: AWS managed policies parsed once but copied per account, and the account of
an access key found without creating IAM backends for every account and partition (moto does, on every request)."""

import boto3
from moto.iam.models import iam_backends

from localaws import motoglue

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_each_account_has_its_own_aws_managed_policies(aws):
    first, second = aws.client("iam", account_id="990000000001"), aws.client("iam", account_id="990000000002")
    first.create_group(GroupName="Admins")
    first.attach_group_policy(GroupName="Admins", PolicyArn=ADMIN)
    assert first.get_policy(PolicyArn=ADMIN)["Policy"]["AttachmentCount"] == 1
    assert second.get_policy(PolicyArn=ADMIN)["Policy"]["AttachmentCount"] == 0
    assert second.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]["PolicyName"] == "ReadOnlyAccess"


def test_an_access_key_belongs_to_its_account_until_it_is_deleted(aws):
    iam = aws.client("iam", account_id="990000000003")
    iam.create_user(UserName="operator")
    key = iam.create_access_key(UserName="operator")["AccessKey"]
    own = boto3.client("sts", endpoint_url=aws.url, region_name="us-east-1",
                       aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert own.get_caller_identity()["Account"] == "990000000003"
    assert own.get_caller_identity()["Account"] == "990000000003"  # the remembered answer is the same
    iam.delete_access_key(UserName="operator", AccessKeyId=key["AccessKeyId"])
    assert own.get_caller_identity()["Account"] == motoglue.DEFAULT_ACCOUNT_ID  # an unknown key, as moto answers


def test_finding_a_keys_account_creates_no_backends():
    account = "990000000004"
    backend = iam_backends[account]["aws"]
    key = backend.create_temp_access_key()
    assert motoglue.get_account_id_from(key.access_key_id) == account
    assert motoglue.get_account_id_from("AKIANOSUCHKEY0000000") == motoglue.DEFAULT_ACCOUNT_ID
    # moto's own lookup would have created this account's backends for every other partition too.
    assert list(dict.keys(iam_backends[account])) == ["aws"]
