"""What a test needs to talk to a local AWS at some URL: env vars, control client, boto3 clients."""

from localaws.client import Control

TEST_ACCESS_KEY = "testing"
TEST_SECRET_KEY = "testing"
DEFAULT_REGION = "us-east-1"


class Endpoint:
    """A local AWS reachable at ``url`` (in this process or another)."""

    def __init__(self, url=None):
        self.url = url

    @property
    def control(self):
        """Control client for this endpoint."""
        return Control(self.url)

    def env(self):
        """Environment for boto3, the AWS CLI and amazon.aws-style Ansible modules to use this endpoint."""
        return {
            "AWS_ACCESS_KEY_ID": TEST_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": TEST_SECRET_KEY,
            "AWS_DEFAULT_REGION": DEFAULT_REGION,
            "AWS_URL": self.url,
            "AWS_ENDPOINT_URL": self.url,
        }

    def client(self, service, account_id=None, role_name="OrganizationAccountAccessRole", region=DEFAULT_REGION, **client_kwargs):
        """A boto3 client for this endpoint: the default account's, or (via AssumeRole) ``account_id``'s.

        Extra keyword arguments (``config=...``) go to ``boto3.client``.
        """
        import boto3

        kwargs = {
            "endpoint_url": self.url,
            "region_name": region,
            "aws_access_key_id": TEST_ACCESS_KEY,
            "aws_secret_access_key": TEST_SECRET_KEY,
        }
        if account_id is not None:
            sts = boto3.client("sts", **kwargs)
            role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="localaws-test")["Credentials"]
            kwargs.update(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
        kwargs.update(client_kwargs)
        return boto3.client(service, **kwargs)
